using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;

namespace RtcBench.Core.Tests.Measurement;

public sealed class PingSessionTests
{
    private const long Start = 1_000_000_000;
    private const long Ms = 1_000_000;
    private const double EchoAnchor = 1_763_769_600_000_000;
    private static readonly RunId Run = new(Guid.Parse("00112233445566778899aabbccddeeff"));

    /// <summary>2 warm-ups + 4 measured, every 100 ms, deadline 1 s.</summary>
    private static PingSession NewSession() => new(Run, new RunConfig
    {
        Count = 4,
        Warmup = 2,
        Interval = TimeSpan.FromMilliseconds(100),
        Deadline = TimeSpan.FromSeconds(1),
        PayloadBytes = 120,
    }, Start);

    /// <summary>Sends the next ping at its due time plus <paramref name="lateNs"/>; returns its decoded fields.</summary>
    private static PingFields Send(PingSession session, long lateNs = 0)
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = session.WriteNextPing(session.NextSendDueNs + lateNs, buffer, out int seq);
        Assert.True(PingCodec.TryReadPing(buffer.AsSpan(0, n), out var ping));
        Assert.Equal(seq, ping.Seq);
        return ping;
    }

    private static byte[] PongFor(PingFields ping, long echoRx = 7 * Ms, long echoTx = 8 * Ms)
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePong(buffer, ping, echoRx, echoTx, EchoAnchor);
        return buffer.AsSpan(0, n).ToArray();
    }

    [Fact]
    public void NextSendDueNs_FixedSchedule_StartPlusSeqTimesInterval()
    {
        var session = NewSession();
        for (int seq = 0; seq < 6; seq++)
        {
            // seq·100 ms after the start, whether or not earlier pings left late.
            Assert.Equal(Start + (seq * 100 * Ms), session.NextSendDueNs);
            Send(session, lateNs: 3 * Ms);
        }
        Assert.Equal(long.MaxValue, session.NextSendDueNs);
        Assert.Throws<InvalidOperationException>(() => Send(session));
    }

    [Fact]
    public void OnMessage_PongsOutOfOrder_MatchedBySeq()
    {
        var session = NewSession();
        var pings = new PingFields[6];
        for (int i = 0; i < 6; i++)
        {
            pings[i] = Send(session);
        }
        // Answer in reverse order; ping i's pong arrives (10 + i) ms after it was sent.
        for (int i = 5; i >= 0; i--)
        {
            session.OnMessage(PongFor(pings[i]), pings[i].SentNs + ((10 + i) * Ms));
        }
        session.Finish();
        var records = session.Records;
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(i, records[i].Seq);
            Assert.Equal((10 + i) * Ms, records[i].RttNs);
            // net = RTT − (t3 − t2) = RTT − 1 ms.
            Assert.Equal((9 + i) * Ms, records[i].NetRttNs);
            Assert.Equal(EchoAnchor, records[i].EchoWallAnchorUs);
        }
        Assert.Equal(6, session.AnsweredCount);
    }

    [Fact]
    public void Status_WarmupsFlaggedEvenWhenAnswered()
    {
        var session = NewSession();
        for (int i = 0; i < 6; i++)
        {
            var ping = Send(session);
            session.OnMessage(PongFor(ping), ping.SentNs + (5 * Ms));
        }
        session.Finish();
        var records = session.Records;
        Assert.True(records[0].IsWarmup && records[1].IsWarmup);
        Assert.False(records[2].IsWarmup);
        Assert.Equal(PingStatus.Warmup, records[0].Status);
        Assert.Equal(PingStatus.Warmup, records[1].Status);
        Assert.Equal(PingStatus.Ok, records[2].Status);
    }

    [Fact]
    public void Status_AfterDeadlineLate_AtDeadlineOk()
    {
        var session = NewSession();
        Send(session);
        Send(session);
        var atDeadline = Send(session);
        var afterDeadline = Send(session);
        session.OnMessage(PongFor(atDeadline), atDeadline.SentNs + 1000 * Ms);          // RTT = deadline: ok
        session.OnMessage(PongFor(afterDeadline), afterDeadline.SentNs + (1000 * Ms) + 1); // 1 ns past: late
        session.Finish();
        Assert.Equal(PingStatus.Ok, session.Records[2].Status);
        Assert.Equal(PingStatus.Late, session.Records[3].Status);
        Assert.Equal((1000 * Ms) + 1, session.Records[3].RttNs); // late pings keep their RTT
    }

    [Fact]
    public void Finish_UnansweredLost_WarmupStaysWarmup_UnsentNotSent()
    {
        var session = NewSession();
        for (int i = 0; i < 4; i++)
        {
            Send(session); // seq 0..3 sent, none answered; 4 and 5 never sent
        }
        session.Finish();
        var r = session.Records;
        Assert.Equal(PingStatus.Warmup, r[0].Status);
        Assert.Equal(PingStatus.Warmup, r[1].Status);
        Assert.Equal(PingStatus.Lost, r[2].Status);
        Assert.Equal(PingStatus.Lost, r[3].Status);
        Assert.Equal(PingStatus.NotSent, r[4].Status);
        Assert.Equal(PingStatus.NotSent, r[5].Status);
        Assert.Equal(0, r[4].SentNs);
    }

    [Fact]
    public void Records_BeforeFinish_Throws()
    {
        var session = NewSession();
        Assert.Throws<InvalidOperationException>(() => session.Records.Length);
    }

    [Fact]
    public void OnMessage_AfterFinish_CountedAsUnknownAndIgnored()
    {
        var session = NewSession();
        var ping = Send(session);
        session.Finish();
        session.OnMessage(PongFor(ping), ping.SentNs + Ms);
        Assert.Equal(PingStatus.Warmup, session.Records[0].Status);
        Assert.False(session.Records[0].Answered);
        Assert.Equal(1, session.Counters.UnknownSeq);
    }

    [Fact]
    public void OnMessage_Duplicate_CountedAndFirstAnswerKept()
    {
        var session = NewSession();
        var ping = Send(session);
        session.OnMessage(PongFor(ping), ping.SentNs + (5 * Ms));
        session.OnMessage(PongFor(ping), ping.SentNs + (9 * Ms));
        session.Finish();
        Assert.Equal(5 * Ms, session.Records[0].RttNs);
        Assert.Equal(1, session.Records[0].Duplicates);
        Assert.Equal(1, session.Counters.Duplicates);
        Assert.Equal(1, session.AnsweredCount);
    }

    [Fact]
    public void OnMessage_ForeignUnknownForgedMalformedProbe_CountedApart()
    {
        var session = NewSession();
        var ping = Send(session);
        session.OnMessage(PongFor(ping with { RunId = new RunId(Guid.Parse("ffffffffffffffffffffffffffffffff")) }), ping.SentNs + Ms);
        session.OnMessage(PongFor(ping with { Seq = 1 }), ping.SentNs + Ms);           // seq 1 not sent yet
        session.OnMessage(PongFor(ping with { Seq = 999 }), ping.SentNs + Ms);         // never exists
        session.OnMessage(PongFor(ping with { SentNs = ping.SentNs + 2 }), ping.SentNs + Ms); // forged ts
        session.OnMessage("not json"u8, ping.SentNs + Ms);
        session.OnMessage(PongFor(ping with { Seq = -1 }), ping.SentNs + Ms);          // readiness probe answer
        var c = session.Counters;
        Assert.Equal(1, c.ForeignRun);
        Assert.Equal(3, c.UnknownSeq);
        Assert.Equal(1, c.Malformed);
        Assert.Equal(1, c.ProbeAnswers);
        Assert.Equal(0, c.Duplicates);
        Assert.Equal(0, session.AnsweredCount);
    }

    [Fact]
    public void OnMessage_EchoedTsOffByOneNs_Accepted()
    {
        // The wire carries ns exactly; a 1 ns difference is tolerated as rounding, 2 ns is forged (above).
        var session = NewSession();
        var ping = Send(session);
        session.OnMessage(PongFor(ping with { SentNs = ping.SentNs + 1 }), ping.SentNs + Ms);
        Assert.Equal(1, session.AnsweredCount);
    }

    [Fact]
    public void IsComplete_AllSentAndAllAnswered_True()
    {
        var session = NewSession();
        long lastSent = 0;
        for (int i = 0; i < 6; i++)
        {
            Assert.False(session.IsComplete(session.NextSendDueNs));
            var ping = Send(session);
            session.OnMessage(PongFor(ping), ping.SentNs + Ms);
            lastSent = ping.SentNs;
        }
        Assert.True(session.IsComplete(lastSent + Ms));
    }

    [Fact]
    public void IsComplete_UnansweredPing_TrueOnlyAfterTheLateWindowCloses()
    {
        var session = NewSession();
        long lastSent = 0;
        for (int i = 0; i < 6; i++)
        {
            var ping = Send(session);
            if (i != 3)
            {
                session.OnMessage(PongFor(ping), ping.SentNs + Ms);
            }
            lastSent = ping.SentNs;
        }
        // Deadline 1000 ms: a pong may still arrive late up to one more deadline after the last ping's deadline.
        Assert.Equal(lastSent + (2000 * Ms), session.FinalDeadlineNs);
        Assert.False(session.IsComplete(lastSent + (1000 * Ms) + 1)); // past the last deadline: late answers still count
        Assert.False(session.IsComplete(lastSent + (2000 * Ms)));     // exactly at the window's end: still waiting
        Assert.True(session.IsComplete(lastSent + (2000 * Ms) + 1));  // past it: done
    }

    [Fact]
    public void IsComplete_NotAllSent_FalseEvenLongAfter()
    {
        var session = NewSession();
        Send(session);
        Assert.Equal(long.MaxValue, session.FinalDeadlineNs);
        Assert.False(session.IsComplete(Start + (3600 * 1000 * Ms)));
    }

    [Fact]
    public void Constructor_InvalidConfig_ThrowsListingErrors()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PingSession(Run, new RunConfig { Count = 0, PayloadBytes = -1 }, Start));
        Assert.Contains("count", ex.Message, StringComparison.Ordinal);
        Assert.Contains("payload-bytes", ex.Message, StringComparison.Ordinal);
    }
}
