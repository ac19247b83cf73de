using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;
using RtcBench.Agent.Platforms;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Direct;
using RtcBench.Tests.Shared;

namespace RtcBench.Agent.Tests;

/// <summary>
/// Two runners' <c>direct</c> sessions at once on one real agent (the runner's own client, real sockets, DTLS, SCTP):
/// with the shared socket both reach the agent on one port, and each gets exactly its own pongs back.
/// </summary>
public sealed class DirectSharedSocketTests
{
    private const int Pings = 200;

    [Theory]
    [InlineData(DirectSocketMode.Shared, DirectEngine.Peer)]
    [InlineData(DirectSocketMode.PerSession, DirectEngine.Peer)]
    [InlineData(DirectSocketMode.Shared, DirectEngine.Core)]
    public async Task TwoConcurrentSessions_EachGetsExactlyItsOwnPongs_OnOneSharedPortWhenShared(DirectSocketMode mode, DirectEngine engine)
    {
        await using var h = await AgentHarness.StartAsync(o =>
        {
            o.DirectSocket = mode;
            o.DirectEngine = engine;
        });
        var direct = h.Agent.Rooms.Platforms.OfType<DirectEchoPlatform>().Single();
        var sessions = new List<(IPingChannel Reliable, IReadOnlyList<IPingChannel> All, PongCollector Pongs, RunId Run)>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var room = await h.ConnectAsync("{\"platforms\":[\"udp\",\"direct\"]}");
                var credentials = room.Body.GetProperty("platforms").GetProperty("direct");
                var context = new PlatformJoinContext(room.Id.ToString("N"), MonoTime.System) { AgentUrl = h.Agent.BaseUrl, PayloadBytes = 64 };
                var channels = await new DirectPlatformClient().JoinAsync(credentials, context, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
                var reliable = channels.Single(c => c.Channel == "reliable");
                var pongs = new PongCollector();
                reliable.SetSink(pongs);
                sessions.Add((reliable, channels, pongs, RunId.New()));
            }

            Assert.Equal(engine == DirectEngine.Core ? 2 : 0, direct.CoreSessions); // RtcCore on the receive thread, or PeerConnection
            string[] remotes = [.. sessions.Select(s => s.Reliable.DescribePath().RemoteAddress!)];
            if (mode == DirectSocketMode.Shared)
            {
                var mux = Assert.Single(direct.SharedSockets);
                Assert.Equal(2, mux.Sessions);
                Assert.All(remotes, r => Assert.Equal(mux.LocalEndPoint.ToString(), r));

                // A stranger on the shared port reaches no session: dropped, counted, in /metrics.
                using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                stranger.SendTo(new byte[] { 0x17, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, mux.LocalEndPoint);
                stranger.SendTo(new byte[] { 0x80, 0x60, 0, 1 }, mux.LocalEndPoint);
                await WaitUntilAsync(() => mux.DroppedUnknown >= 1 && mux.DroppedOther >= 1);
                using var response = await h.Http.GetAsync("/metrics");
                var metrics = new PrometheusText(await response.Content.ReadAsStringAsync());
                Assert.Equal(2, metrics.Value("rtcbench_agent_direct_shared_sessions"));
                Assert.InRange(metrics.Value("rtcbench_agent_direct_shared_dropped_total", "reason=\"unknown\""), 1, mux.DroppedUnknown);
                Assert.InRange(metrics.Value("rtcbench_agent_direct_shared_dropped_total", "reason=\"other\""), 1, mux.DroppedOther);
                Assert.True(metrics.Value("rtcbench_agent_direct_shared_received_total") > 0);
            }
            else
            {
                Assert.Empty(direct.SharedSockets);
                Assert.NotEqual(remotes[0], remotes[1]);
            }

            var buffer = new byte[PingCodec.MaxMessageBytes];
            for (int seq = 0; seq < Pings; seq++)
            {
                foreach (var s in sessions)
                {
                    int n = PingCodec.WritePing(buffer, s.Run, seq, MonoTime.System.NowNs(), 64);
                    s.Reliable.Send(buffer.AsSpan(0, n));
                }
            }

            await WaitUntilAsync(() => sessions.All(s => s.Pongs.Count >= Pings));
            foreach (var s in sessions)
            {
                var got = s.Pongs.Snapshot();
                Assert.Equal(Pings, got.Length);
                Assert.All(got, p => Assert.Equal(s.Run, p.RunId));          // No other session's pong.
                Assert.Equal(Enumerable.Range(0, Pings).Select(i => (long)i), got.Select(p => p.Seq)); // Reliable: in order.
            }
        }
        finally
        {
            foreach (var s in sessions)
            {
                foreach (var c in s.All)
                {
                    await c.DisposeAsync();
                }
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the pongs (a hang guard only)");
            await Task.Delay(10);
        }
    }

    private sealed class PongCollector : IMessageSink
    {
        private readonly ConcurrentQueue<PongFields> _pongs = new();

        public int Count => _pongs.Count;

        public PongFields[] Snapshot() => [.. _pongs];

        public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
        {
            if (PingCodec.TryReadPong(message, out var pong))
            {
                _pongs.Enqueue(pong);
            }
        }
    }
}
