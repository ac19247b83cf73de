using System.Collections.Concurrent;
using System.Text;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Tests.Flow;
using RtcBench.LiveKit.Tests.StandIn;
using Xunit.Abstractions;

namespace RtcBench.LiveKit.Tests.RustSdk;

/// <summary>
/// LiveKit's Rust SDK, as @livekit/rtc-node ships it (native libwebrtc and LiveKit's Rust signalling client behind the
/// FFI binary), is a second real LiveKit client: it joins the stand-in (v0 signalling, after its /rtc/v1 attempt gets
/// the 404 a server older than 1.9.1 answers) from a network namespace, and exchanges reliable and lossy DataPackets
/// with our C# participant in both directions. No leg has our stack on both ends: rtc-node ↔ werift ↔ our stack.
/// </summary>
public sealed class RtcNodeInteropTests(RtcNodeNetns netns, ITestOutputHelper output) : IClassFixture<RtcNodeNetns>
{
    private const string Room = "rust-interop";
    private const int Reliable = 200;
    private const int Lossy = 100;
    private static readonly TimeSpan LossyWait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task RtcNodeAndOurParticipant_ReliableAndLossyBothWays_EveryReliablePacketOnceAndInOrder()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var server = await StandInLiveKitServer.StartAsync(new StandInOptions { ListenAddress = netns.RootAddress });
        var ours = new Inbox();
        await using var participant = new LiveKitParticipant(ours);
        await participant.JoinAsync(new LiveKitJoinOptions { Url = server.SignalUrl, Token = server.Token("ours", Room) }, guard.Token);
        await using var rust = RtcNodePeer.Start(netns.Name);
        try
        {
            await ExchangeAsync(server, participant, ours, rust, guard.Token);
        }
        finally
        {
            foreach (string line in rust.Log.Concat(rust.SdkWarnings))
            {
                output.WriteLine(line); // The SDK's own log: shown with a failure.
            }
        }
    }

    private static async Task ExchangeAsync(StandInLiveKitServer server, LiveKitParticipant participant, Inbox ours, RtcNodePeer rust, CancellationToken ct)
    {
        var (identity, sid, others) = await rust.JoinAsync(server.SignalUrl, server.Token("rust", Room)).WaitAsync(ct);
        await participant.WaitForParticipantAsync("rust", ct);
        await rust.WaitForParticipantAsync("ours").WaitAsync(ct);
        await FlowHelpers.ServerChannelsOpen(server, Room, "rust").WaitAsync(ct);
        await FlowHelpers.ServerChannelsOpen(server, Room, "ours").WaitAsync(ct);

        Assert.Equal("rust", identity);
        Assert.Equal(server.FindSession(Room, "rust")!.Sid, sid);
        Assert.Equal(["ours"], others);
        Assert.Equal(1, server.SinglePeerConnectionAttempts); // It tried /rtc/v1 first, got 404 and fell back to /rtc.

        // Ours → rtc-node: the reliable ones back to back, the lossy ones one at a time (each waited for, so a queue
        // never builds up; one that is lost stays lost, counted below).
        for (int i = 1; i <= Reliable; i++)
        {
            Assert.True(participant.Send(LiveKitDataKind.Reliable, Encoding.ASCII.GetBytes($"ours-reliable-{i}"), "rust"));
        }

        for (int i = 1; i <= Lossy; i++)
        {
            Assert.True(participant.Send(LiveKitDataKind.Lossy, Encoding.ASCII.GetBytes($"ours-lossy-{i}"), "rust"));
            await rust.WaitReceivedAsync("lossy", i, LossyWait).WaitAsync(ct);
        }

        Assert.Equal(Reliable, await rust.WaitReceivedAsync("reliable", Reliable, TimeSpan.FromSeconds(60)).WaitAsync(ct));

        // rtc-node → ours: the same, with LiveKit's publishData.
        await rust.SendAsync("ours", reliable: true, "rust-reliable", first: 1, count: Reliable).WaitAsync(ct);
        var rustSession = server.FindSession(Room, "rust")!;
        var oursSession = server.FindSession(Room, "ours")!;
        try
        {
            await ours.Arrived($"rust-reliable-{Reliable}").WaitAsync(TimeSpan.FromSeconds(60), ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"rtc-node's reliable packets did not all reach us: we have {ours.Packets.Count}; the stand-in relayed {rustSession.Relayed} from rtc-node " +
                $"(malformed {rustSession.MalformedData}, out of order {rustSession.DroppedOutOfOrder}), undeliverable to us {oursSession.Undeliverable}; werift errors: {string.Join(" | ", server.Media.ErrorTexts)}");
        }

        for (int i = 1; i <= Lossy; i++)
        {
            await rust.SendAsync("ours", reliable: false, "rust-lossy", first: i, count: 1).WaitAsync(ct);
            try
            {
                await ours.Arrived($"rust-lossy-{i}").WaitAsync(LossyWait, ct);
            }
            catch (TimeoutException)
            {
                // Lossy: sent once; counted below.
            }
        }

        // What rtc-node got from us: every reliable packet once, in order, from "ours" as the server stamped it.
        var got = await rust.ReceivedAsync().WaitAsync(ct);
        Assert.All(got, p => Assert.Equal("ours", p.From));
        Assert.Equal(Enumerable.Range(1, Reliable).Select(i => $"ours-reliable-{i}"), got.Where(p => p.Kind == "reliable").Select(p => p.Text));
        var lossyGot = got.Where(p => p.Kind == "lossy").Select(p => p.Text).ToList();
        Assert.Equal(lossyGot.Distinct().Count(), lossyGot.Count);
        Assert.InRange(lossyGot.Count, Lossy * 9 / 10, Lossy);

        // What we got from rtc-node: the same, and its per-sender reliable sequence numbers kept the stand-in happy.
        var from = ours.Packets.ToList();
        Assert.All(from, p => Assert.Equal("rust", p.Sender));
        Assert.Equal(Enumerable.Range(1, Reliable).Select(i => $"rust-reliable-{i}"), from.Where(p => p.Kind == LiveKitDataKind.Reliable).Select(p => p.Text));
        var lossyFrom = from.Where(p => p.Kind == LiveKitDataKind.Lossy).Select(p => p.Text).ToList();
        Assert.Equal(lossyFrom.Distinct().Count(), lossyFrom.Count);
        Assert.All(lossyFrom, t => Assert.StartsWith("rust-lossy-", t, StringComparison.Ordinal));
        Assert.InRange(lossyFrom.Count, Lossy * 9 / 10, Lossy);
        Assert.Equal(0, rustSession.DroppedOutOfOrder);
        Assert.Equal(0, rustSession.MalformedData);
        Assert.Equal(0, participant.MalformedData + participant.IgnoredData + participant.MalformedSignalMessages);
        Assert.Equal((uint)Reliable, participant.ReliableSequence);
        Assert.Equal(0, server.Media.Errors);
        Assert.Empty(rust.Events);

        // It leaves as a LiveKit client does, and we see it go.
        await rust.LeaveAsync().WaitAsync(ct);
        await participant.WaitForParticipantGoneAsync("rust", ct);
        Assert.NotNull(rustSession.ClientLeave);

        // The Rust SDK warned about nothing the stand-in or we sent: only about its /rtc/v1 attempt and the fallback.
        Assert.NotEmpty(rust.SdkWarnings);
        Assert.All(rust.SdkWarnings, w => Assert.Contains("v1 path", w, StringComparison.Ordinal));
    }

    private sealed record Received(LiveKitDataKind Kind, string Sender, string Text);

    /// <summary>Everything our participant receives, in order; a waiter per expected text.</summary>
    private sealed class Inbox : ILiveKitDataReceiver
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrived = new(StringComparer.Ordinal);

        public ConcurrentQueue<Received> Packets { get; } = new();

        public Task Arrived(string text) => Waiter(text).Task;

        public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
        {
            string text = Encoding.ASCII.GetString(payload);
            Packets.Enqueue(new Received(kind, senderIdentity, text));
            Waiter(text).TrySetResult();
        }

        private TaskCompletionSource Waiter(string text) =>
            _arrived.GetOrAdd(text, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
