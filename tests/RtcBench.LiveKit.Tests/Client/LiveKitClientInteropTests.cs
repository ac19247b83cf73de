using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using RtcBench.Core.Protocol;
using RtcBench.Interop.Tests;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Tests.EndToEnd;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Client;

/// <summary>
/// LiveKit's own browser SDK (<c>livekit-client</c>, real libwebrtc in headless Chromium inside a network namespace)
/// meets our side through the stand-in server, whose side of every peer connection is werift (so Chromium's libwebrtc
/// meets werift, and werift meets our stack): it measures against the agent's echo as a runner would, and it echoes
/// what our C# participant sends. This checks, with a client LiveKit ships, what the stand-in flow tests can only
/// check between our own ends: that our echo understands the DataPackets a LiveKit SDK publishes (and answers them to
/// the sender the server stamps), that the SDK accepts the DataPackets we publish (destinations, per-sender reliable
/// sequence numbers, which it uses to drop duplicates) and resolves their sender, and that the stand-in speaks v0
/// signalling as that SDK expects (join, subscriber-primary offer, lazily negotiated publisher, trickle, leave).
/// </summary>
[Collection(ChromiumNetnsCollection.Name)]
public sealed class LiveKitClientInteropTests(ChromiumNetns chromium)
{
    private const int Pings = 100;
    private const int AnswerTimeoutMs = 5_000;

    [Fact]
    public async Task LiveKitClientAsRunner_PingsOnBothKinds_AgentEchoAnswersEachToItOnTheSameKind_ItLeaves_RoomDeleted()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var deployment = await StandInDeployment.StartAsync(new StandInOptions { ListenAddress = chromium.RootAddress });
        var (roomId, creds) = await deployment.ConnectAsync(guard.Token);
        string room = creds.GetProperty("room").GetString()!;
        string echoIdentity = creds.GetProperty("echo_identity").GetString()!;
        var page = await chromium.NewPageAsync();
        var complaints = await LiveKitClientPage.LoadAsync(page);

        var joined = await page.EvaluateAsync<JsonElement>(
            "([url, token, echo]) => lk.join(url, token, echo)",
            new[] { creds.GetProperty("url").GetString()!, creds.GetProperty("token").GetString()!, echoIdentity });

        Assert.Equal("rtcbench-runner-" + roomId, joined.GetProperty("identity").GetString());
        Assert.Equal(room, joined.GetProperty("room").GetString());
        var runnerSession = deployment.Server.FindSession(room, "rtcbench-runner-" + roomId)!;
        Assert.Equal(runnerSession.Sid, joined.GetProperty("sid").GetString());

        var runId = RunId.New();
        var buffer = new byte[256];
        foreach (var (reliable, kind) in new[] { (true, 0), (false, 1) })
        {
            long offset = reliable ? 0 : Pings;
            var pings = new string[Pings];
            for (int i = 0; i < Pings; i++)
            {
                int n = PingCodec.WritePing(buffer, runId, offset + i + 1, (i + 1) * 1000L, 100);
                pings[i] = Convert.ToBase64String(buffer, 0, n);
            }

            var answers = await page.EvaluateAsync<JsonElement>(
                "([pings, reliable, to, timeout]) => lk.pingPong(pings, reliable, to, timeout)",
                new object[] { pings, reliable, echoIdentity, AnswerTimeoutMs });

            int answered = 0;
            for (int i = 0; i < Pings; i++)
            {
                var answer = answers[i];
                if (answer.ValueKind == JsonValueKind.Null)
                {
                    Assert.False(reliable, $"reliable ping {i + 1} got no answer within {AnswerTimeoutMs} ms");
                    continue; // Lossy: sent once; asserted on the count below.
                }

                answered++;
                Assert.Equal(echoIdentity, answer.GetProperty("from").GetString());
                Assert.Equal(kind, answer.GetProperty("kind").GetInt32());
                Assert.True(PingCodec.TryReadPong(Convert.FromBase64String(answer.GetProperty("data").GetString()!), out var pong), $"answer {i + 1} is not a pong");
                Assert.Equal(runId, pong.RunId);
                Assert.Equal(offset + i + 1, pong.Seq);
                Assert.True(pong.EchoRxNs > 0 && pong.EchoTxNs >= pong.EchoRxNs, $"seq {pong.Seq}: rx {pong.EchoRxNs} tx {pong.EchoTxNs}");
            }

            // One ping in flight at a time over a veth: nothing queues, so even the lossy channel loses next to nothing.
            Assert.True(answered >= (reliable ? Pings : Pings * 9 / 10), $"{(reliable ? "reliable" : "lossy")}: {answered} of {Pings} answered");
        }

        var agentRoom = (await deployment.AgentRoomAsync(roomId, guard.Token))!.Value;
        var details = agentRoom.GetProperty("details").GetProperty("livekit");
        Assert.Equal(0, details.GetProperty("malformed").GetInt64());
        Assert.Equal("in the room", details.GetProperty("runner").GetString());

        var deleted = deployment.WhenDeleted(room);
        var echoSession = deployment.Server.FindSession(room, echoIdentity)!;
        await page.EvaluateAsync("() => lk.leave()");
        await deleted.WaitAsync(guard.Token);
        await echoSession.Ended.WaitAsync(guard.Token);

        Assert.NotNull(runnerSession.ClientLeave);
        details = (await deployment.AgentRoomAsync(roomId, guard.Token))!.Value.GetProperty("details").GetProperty("livekit");
        Assert.Equal("left: the runner left", details.GetProperty("echo").GetString());
        var health = (await deployment.Http.GetFromJsonAsync<JsonElement>("health", guard.Token)).GetProperty("livekit");
        Assert.Equal(0, health.GetProperty("setup_failures").GetInt64());
        Assert.Empty(complaints);
        await page.CloseAsync();
    }

    [Fact]
    public async Task OurParticipantSends_LiveKitClientReceivesFromUsAndEchoes_EveryReliablePacketOnceInOrder()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { ListenAddress = chromium.RootAddress });
        const string Room = "interop";
        var page = await chromium.NewPageAsync();
        var complaints = await LiveKitClientPage.LoadAsync(page);
        var received = new Collector();
        await using var ours = new LiveKitParticipant(received);
        await ours.JoinAsync(new LiveKitJoinOptions
        {
            Url = server.SignalUrl,
            Token = server.Token("ours", Room),
        }, guard.Token);

        await page.EvaluateAsync<JsonElement>("([url, token, other]) => lk.join(url, token, other)",
            new[] { server.SignalUrl.AbsoluteUri, server.Token("browser", Room), "ours" });
        await page.EvaluateAsync("() => lk.echoBack()");
        await ours.WaitForParticipantAsync("browser", guard.Token);

        foreach (var kind in new[] { LiveKitDataKind.Reliable, LiveKitDataKind.Lossy })
        {
            for (int i = 1; i <= Pings; i++)
            {
                byte[] message = Message(kind, i);
                var answered = received.Expect(message);
                Assert.True(ours.Send(kind, message, "browser"), $"{kind} {i}: send refused");
                LiveKitDataKind answerKind;
                string sender;
                try
                {
                    (answerKind, sender) = await answered.WaitAsync(TimeSpan.FromMilliseconds(AnswerTimeoutMs), guard.Token);
                }
                catch (TimeoutException)
                {
                    Assert.False(kind == LiveKitDataKind.Reliable, $"reliable message {i} not echoed within {AnswerTimeoutMs} ms");
                    continue; // Lossy: sent once; asserted on the count below.
                }

                Assert.Equal(kind, answerKind);
                Assert.Equal("browser", sender);
            }
        }

        // The SDK saw every reliable packet exactly once and in order (a sequence number it took for a duplicate or
        // one from before would have been dropped), each from us as the server stamped it, on the kind we sent it.
        var log = await page.EvaluateAsync<JsonElement>("() => lk.received()");
        Assert.Equal(0, log.GetProperty("echoErrors").GetArrayLength());
        var packets = log.GetProperty("packets").EnumerateArray().ToList();
        Assert.All(packets, p => Assert.Equal("ours", p.GetProperty("from").GetString()));
        var reliable = packets.Where(p => p.GetProperty("kind").GetInt32() == 0).Select(p => p.GetProperty("data").GetString()).ToList();
        Assert.Equal(Enumerable.Range(1, Pings).Select(i => Convert.ToBase64String(Message(LiveKitDataKind.Reliable, i))), reliable);
        int lossy = packets.Count(p => p.GetProperty("kind").GetInt32() == 1);
        Assert.InRange(lossy, Pings * 9 / 10, Pings);
        Assert.Equal((uint)Pings, ours.ReliableSequence);

        await page.EvaluateAsync("() => lk.leave()");
        await ours.WaitForParticipantGoneAsync("browser", guard.Token);
        Assert.Empty(complaints);
        Assert.Equal(0, server.Media.Errors); // werift, the server's side of both participants' legs, reported nothing.
        await page.CloseAsync();
    }

    [Fact]
    public async Task LiveKitClientWithABadToken_IsRefused_AndShowsTheReasonTheStandInGaveOnValidate()
    {
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { ListenAddress = chromium.RootAddress });
        string token = server.Token("browser", "interop");
        string tampered = token[..^4] + (token[^4] == 'A' ? "Bxyz" : "Axyz"); // The signature no longer matches.
        var page = await chromium.NewPageAsync();
        await LiveKitClientPage.LoadAsync(page);

        var refused = await Assert.ThrowsAsync<Microsoft.Playwright.PlaywrightException>(() => page.EvaluateAsync(
            "([url, token]) => lk.join(url, token, 'nobody')",
            new[] { server.SignalUrl.AbsoluteUri, tampered }));

        // The SDK asks /rtc/validate why the upgrade failed and reports LiveKit's reason as "not allowed".
        Assert.Contains("invalid token", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, server.Refused);
        Assert.DoesNotContain(tampered, refused.Message, StringComparison.Ordinal);
        await page.CloseAsync();
    }

    private static byte[] Message(LiveKitDataKind kind, int i) => System.Text.Encoding.ASCII.GetBytes($"{kind}-{i:D4}-from-our-stack");

    /// <summary>What our participant receives: each expected message completes once, with its kind and sender.</summary>
    private sealed class Collector : ILiveKitDataReceiver
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<(LiveKitDataKind, string)>> _waiting = new(StringComparer.Ordinal);

        public Task<(LiveKitDataKind Kind, string Sender)> Expect(byte[] message) =>
            _waiting.GetOrAdd(Convert.ToBase64String(message), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
        {
            if (_waiting.TryGetValue(Convert.ToBase64String(payload), out var answer))
            {
                answer.TrySetResult((kind, senderIdentity));
            }
        }
    }
}
