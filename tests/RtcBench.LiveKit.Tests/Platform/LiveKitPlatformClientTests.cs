using System.Buffers.Binary;
using System.Text.Json;
using RtcBench.Core.Timing;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Tests.Flow;
using RtcBench.LiveKit.Tests.StandIn;
using RtcBench.Platforms;
using RtcBench.Platforms.LiveKit;

namespace RtcBench.LiveKit.Tests.Platform;

/// <summary>The runner's livekit platform client against the stand-in server, with our participant as the echo.</summary>
public sealed class LiveKitPlatformClientTests
{
    [Fact]
    public async Task Join_EchoInRoom_ReliableAndLossyChannelsCarryPingsBackWithThePath()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        var echoReceiver = new EchoReceiver();
        await using var echo = new LiveKitParticipant(echoReceiver);
        echoReceiver.Participant = echo;
        await echo.JoinAsync(FlowHelpers.Options(server, "echo-1", "bench-1"), guard.Token);
        Assert.True(PlatformCatalog.TryCreate("livekit", out var client));

        var channels = await client!.JoinAsync(Credentials(server, "runner", "echo-1"), Context(), guard.Token);
        await FlowHelpers.ServerChannelsOpen(server, "bench-1", "runner").WaitAsync(guard.Token);
        try
        {
            Assert.Equal(["reliable", "lossy"], channels.Select(c => c.Channel));
            foreach (var channel in channels)
            {
                var sink = new CountingSink(expected: 50);
                channel.SetSink(sink);
                for (int i = 1; i <= 50; i++)
                {
                    await sink.Window.WaitAsync(guard.Token);
                    channel.Send(FlowHelpers.Ping(i));
                }

                await sink.Complete.WaitAsync(guard.Token);
                Assert.Equal(50, sink.Count);
                var path = channel.DescribePath();
                Assert.Equal("standin-local", path.ServerRegion);
                Assert.Equal("ND_standin1", path.Details!["server_node"]);
                Assert.Contains("publisher host 127.0.0.1", path.CandidatePair, StringComparison.Ordinal);
                Assert.Contains("subscriber host 127.0.0.1", path.CandidatePair, StringComparison.Ordinal);
                Assert.Equal("webrtc-datachannel", channel.TransportMode);
                Assert.Null(((IChannelDiagnostics)channel).ExplainSilence());
            }
        }
        finally
        {
            var session = server.FindSession("bench-1", "runner")!;
            foreach (var channel in channels)
            {
                await channel.DisposeAsync();
            }

            Assert.Equal("client left", await session.Ended.WaitAsync(guard.Token));
        }
    }

    [Fact]
    public async Task Join_EchoNeverComes_PlatformExceptionNamesTheEcho()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        var client = new LiveKitPlatformClient { EchoTimeout = TimeSpan.FromSeconds(1) };

        var ex = await Assert.ThrowsAsync<PlatformException>(() => client.JoinAsync(Credentials(server, "runner", "echo-missing"), Context(), guard.Token));

        // No platform prefix: the CLI adds "livekit: " (it read "livekit: livekit: the echo participant …").
        Assert.StartsWith("the echo participant 'echo-missing' did not join room ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_BadToken_PlatformExceptionWith401AndNoToken()
    {
        using var guard = new CancellationTokenSource(FlowHelpers.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        server.Faults.RefuseJoins = true;
        var credentials = Credentials(server, "runner", "echo-1");

        var ex = await Assert.ThrowsAsync<PlatformException>(() => new LiveKitPlatformClient().JoinAsync(credentials, Context(), guard.Token));

        Assert.StartsWith("JoinRefused (HTTP 401): ", ex.Message, StringComparison.Ordinal); // Not "LiveKit: JoinRefused…".
        Assert.DoesNotContain(credentials.GetProperty("token").GetString()!, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Join_PayloadAboveTheDataPacketLimit_RefusedBeforeConnecting_WithoutPlatformPrefix()
    {
        using var document = JsonDocument.Parse("{\"url\":\"wss://nowhere.invalid\",\"token\":\"t\",\"echo_identity\":\"e\"}");
        var context = new PlatformJoinContext("room-1", MonoTime.System) { PayloadBytes = LiveKitParticipant.MaxPayloadBytes + 1 };

        var ex = await Assert.ThrowsAsync<PlatformException>(() => new LiveKitPlatformClient().JoinAsync(document.RootElement, context, CancellationToken.None));

        Assert.Equal($"a LiveKit data packet carries at most {LiveKitParticipant.MaxPayloadBytes} bytes; --payload-bytes {LiveKitParticipant.MaxPayloadBytes + 1} is larger.",
            ex.Message);
    }

    [Theory]
    [InlineData("{}", "'url'")]
    [InlineData("{\"url\":\"ftp://x\",\"token\":\"t\",\"echo_identity\":\"e\"}", "not a ws")]
    [InlineData("{\"url\":\"wss://x\",\"token\":\"t\"}", "'echo_identity'")]
    public async Task Join_BadCredentials_PlatformException(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        var ex = await Assert.ThrowsAsync<PlatformException>(() => new LiveKitPlatformClient().JoinAsync(document.RootElement, Context(), CancellationToken.None));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static PlatformJoinContext Context() => new("room-1", MonoTime.System) { PayloadBytes = 32 };

    private static JsonElement Credentials(StandInLiveKitServer server, string identity, string echo) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["url"] = server.SignalUrl.AbsoluteUri,
            ["token"] = server.Token(identity, "bench-1"),
            ["echo_identity"] = echo,
            ["room"] = "bench-1",
        });

    private sealed class CountingSink(int expected) : IMessageSink
    {
        private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _count;

        public SemaphoreSlim Window { get; } = new(16);

        public int Count => Volatile.Read(ref _count);

        public Task Complete => _complete.Task;

        public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
        {
            Assert.True(receivedNs > 0);
            Assert.InRange(BinaryPrimitives.ReadInt32LittleEndian(message), 1, expected);
            if (Interlocked.Increment(ref _count) == expected)
            {
                _complete.TrySetResult();
            }

            Window.Release();
        }
    }
}
