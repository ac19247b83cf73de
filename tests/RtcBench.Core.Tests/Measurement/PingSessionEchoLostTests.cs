using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;

namespace RtcBench.Core.Tests.Measurement;

/// <summary>
/// The abandoned rule (DESIGN §4b): when the echo is found gone, an unanswered ping sent after the last answered
/// one is abandoned, one sent before it is lost (lossy) or abandoned (reliable: such a channel cannot lose).
/// </summary>
public sealed class PingSessionEchoLostTests
{
    private const long Start = 1_000_000_000;
    private const long Ms = 1_000_000;
    private static readonly RunId Run = new(Guid.Parse("00112233445566778899aabbccddeeff"));

    /// <summary>2 warm-ups + 8 measured (seq 0..9), every 100 ms, deadline 1 s.</summary>
    private static PingSession NewSession() => new(Run, new RunConfig
    {
        Count = 8,
        Warmup = 2,
        Interval = TimeSpan.FromMilliseconds(100),
        Deadline = TimeSpan.FromSeconds(1),
        PayloadBytes = 0,
    }, Start);

    private static PingFields[] SendUpTo(PingSession session, int lastSeq)
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        var pings = new PingFields[lastSeq + 1];
        for (int i = 0; i <= lastSeq; i++)
        {
            int n = session.WriteNextPing(session.NextSendDueNs, buffer, out _);
            Assert.True(PingCodec.TryReadPing(buffer.AsSpan(0, n), out pings[i]));
        }
        return pings;
    }

    private static void Answer(PingSession session, PingFields ping, long rttNs = 10 * Ms)
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePong(buffer, ping, 7 * Ms, 8 * Ms, 1_763_769_600_000_000);
        session.OnMessage(buffer.AsSpan(0, n), ping.SentNs + rttNs);
    }

    private static string Statuses(PingSession session)
    {
        var names = new List<string>();
        foreach (var r in session.Records)
        {
            names.Add(r.Status.ToWire());
        }
        return string.Join(' ', names);
    }

    /// <summary>Seq 0..8 sent, 9 not; answered: 0, 1 (warm-ups), 2, 3, 5; unanswered: 4, 6, 7, 8.</summary>
    private static PingSession EchoDiesAfterSeq5()
    {
        var session = NewSession();
        var pings = SendUpTo(session, 8);
        foreach (int seq in new[] { 0, 1, 2, 3, 5 })
        {
            Answer(session, pings[seq]);
        }
        return session;
    }

    [Fact]
    public void FinishEchoLost_LossyChannel_UnansweredAfterLastAnswerAbandonedBeforeItLost()
    {
        var session = EchoDiesAfterSeq5();
        session.FinishEchoLost(reliableChannel: false);
        // 4 was lost while the echo was alive (it answered 5, sent later); 6, 7, 8 went after the last sign of life.
        Assert.Equal("warmup warmup ok ok lost ok abandoned abandoned abandoned not_sent", Statuses(session));
    }

    [Fact]
    public void FinishEchoLost_ReliableChannel_EveryUnansweredPingAbandoned()
    {
        var session = EchoDiesAfterSeq5();
        session.FinishEchoLost(reliableChannel: true);
        Assert.Equal("warmup warmup ok ok abandoned ok abandoned abandoned abandoned not_sent", Statuses(session));
    }

    [Fact]
    public void Finish_SameHistory_EveryUnansweredPingLost()
    {
        // The contrast: a run that ends normally counts them all as loss.
        var session = EchoDiesAfterSeq5();
        session.Finish();
        Assert.Equal("warmup warmup ok ok lost ok lost lost lost not_sent", Statuses(session));
    }

    [Fact]
    public void FinishEchoLost_LateAnswerIsTheLastSignOfLife_PingsBeforeItLost()
    {
        var session = NewSession();
        var pings = SendUpTo(session, 9);
        Answer(session, pings[2]);
        Answer(session, pings[7], rttNs: 1500 * Ms); // past the 1 s deadline: late, but the echo was there
        Assert.Equal(1500 * Ms, session.MaxRttNs);
        session.FinishEchoLost(reliableChannel: false);
        Assert.Equal("warmup warmup ok lost lost lost lost late abandoned abandoned", Statuses(session));
    }

    [Fact]
    public void FinishEchoLost_EchoGoneDuringWarmup_WarmupsStayWarmupsMeasuredAbandoned()
    {
        var session = NewSession();
        var pings = SendUpTo(session, 4);
        Answer(session, pings[0]);
        session.FinishEchoLost(reliableChannel: false);
        Assert.Equal("warmup warmup abandoned abandoned abandoned not_sent not_sent not_sent not_sent not_sent", Statuses(session));
    }

    [Fact]
    public void FinishEchoLost_AfterFinish_NoOp()
    {
        var session = EchoDiesAfterSeq5();
        session.Finish();
        session.FinishEchoLost(reliableChannel: true);
        Assert.Equal("warmup warmup ok ok lost ok lost lost lost not_sent", Statuses(session));
    }

    [Fact]
    public void SilentSinceNs_FollowsTheFirstPingAfterTheLastAnswer()
    {
        var session = NewSession();
        Assert.Equal(long.MaxValue, session.SilentSinceNs);
        var pings = SendUpTo(session, 0);
        Assert.Equal(pings[0].SentNs, session.SilentSinceNs);
        Answer(session, pings[0]);
        Assert.Equal(long.MaxValue, session.SilentSinceNs);

        var buffer = new byte[PingCodec.MaxMessageBytes];
        var more = new PingFields[3];
        for (int i = 0; i < 3; i++)
        {
            int n = session.WriteNextPing(session.NextSendDueNs, buffer, out _);
            Assert.True(PingCodec.TryReadPing(buffer.AsSpan(0, n), out more[i]));
        }
        Assert.Equal(more[0].SentNs, session.SilentSinceNs);
        // An answer to a later ping is a later sign of life: seq 1 (unanswered) no longer counts as silence.
        Assert.Equal(1, more[0].Seq);
        Answer(session, more[1]);
        Assert.Equal(more[2].SentNs, session.SilentSinceNs);
        Answer(session, more[2]);
        Assert.Equal(long.MaxValue, session.SilentSinceNs);
    }

    [Fact]
    public void Build_AfterEchoLost_StatisticsAndHistogramFromThePingsBefore()
    {
        var session = EchoDiesAfterSeq5();
        session.FinishEchoLost(reliableChannel: false);
        var result = RunResultBuilder.Build(session,
            new RunMetadata { Platform = "udp", Channel = "lossy", ToolVersion = "test" },
            runnerWallAnchorUs: 1_763_769_600_000_000,
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            RunOutcome.EchoLost("test", DateTimeOffset.UnixEpoch));

        Assert.Equal(3, result.Stats.Ok);
        Assert.Equal(1, result.Stats.Lost);
        Assert.Equal(4, result.Stats.Sent);
        Assert.Equal(3, result.Stats.Abandoned);
        Assert.Equal(1, result.Stats.NotSent);
        Assert.Equal(0.25, result.Stats.LossRate);
        Assert.Equal(3, result.Histogram.Count);
        Assert.Equal(3, result.Stats.Rtt!.Count);
        var abandoned = result.Pings.Where(p => p.Status == "abandoned").ToList();
        Assert.Equal([6L, 7L, 8L], abandoned.Select(p => p.Seq));
        Assert.All(abandoned, p => Assert.True(p.SentAt is not null && p.RttUs is null));
    }
}
