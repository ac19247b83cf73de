using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Core.Tests.Measurement;

/// <summary>
/// A reflector (Janus's EchoTest) returns the ping itself: with <c>reflectedEcho</c> the returned ping answers it, with
/// no echo timestamps, so the run has RTTs but no net RTT and no clock estimate; without it a returned ping is never an
/// answer.
/// </summary>
public sealed class PingSessionReflectedTests
{
    private const long Start = 1_000_000_000;
    private const long Ms = 1_000_000;
    private static readonly RunId Run = new(Guid.Parse("00112233445566778899aabbccddeeff"));

    private static readonly RunConfig Config = new()
    {
        Count = 3,
        Warmup = 1,
        Interval = TimeSpan.FromMilliseconds(100),
        Deadline = TimeSpan.FromSeconds(1),
        PayloadBytes = 120,
    };

    [Fact]
    public void OnMessage_ReflectedPingsOfAReflectorRun_AnsweredWithRttButNoNetRttOrClock()
    {
        var session = new PingSession(Run, Config, Start, reflectedEcho: true);
        long[] rttMs = [5, 3, 4, 6];
        var buffer = new byte[PingCodec.MaxMessageBytes];
        for (int i = 0; i < rttMs.Length; i++)
        {
            long sent = session.NextSendDueNs;
            int n = session.WriteNextPing(sent, buffer, out _);
            session.OnMessage(buffer.AsSpan(0, n), sent + (rttMs[i] * Ms)); // the very bytes we sent, back
        }

        session.Finish();
        Assert.All(session.Records.ToArray(), r => Assert.True(r.Answered && r.Reflected && r.NetRttNs is null));
        Assert.Equal(0, session.Counters.Malformed);
        var stats = RunStatisticsCalculator.Compute(session.Records, runnerWallAnchorUs: 0);
        Assert.Equal((3, 3), (stats.Sent, stats.Ok));
        Assert.Equal((3000.0, 4000.0, 6000.0), (stats.Rtt!.MinUs, stats.Rtt.P50Us, stats.Rtt.MaxUs));
        Assert.Null(stats.NetRtt);
        Assert.Null(stats.Clock);

        var result = RunResultBuilder.Build(session, new RunMetadata { Platform = "janus", Channel = "lossy", ToolVersion = "test" },
            0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, RunOutcome.Ok());
        Assert.All(result.Pings, p => Assert.True(p.RttUs > 0 && p.NetRttUs is null));
    }

    [Fact]
    public void OnMessage_ReflectedPingOfAnEchoRun_IsMalformedNotAnAnswer()
    {
        var session = new PingSession(Run, Config, Start);
        var buffer = new byte[PingCodec.MaxMessageBytes];
        long sent = session.NextSendDueNs;
        int n = session.WriteNextPing(sent, buffer, out _);
        session.OnMessage(buffer.AsSpan(0, n), sent + Ms);
        Assert.Equal(0, session.AnsweredCount);
        Assert.Equal(1, session.Counters.Malformed);
    }
}
