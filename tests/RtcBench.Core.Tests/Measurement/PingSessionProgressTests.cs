using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;

namespace RtcBench.Core.Tests.Measurement;

/// <summary>The live view of a run (PingSession.Progress) that progress lines show: p50, loss so far, time left.</summary>
public sealed class PingSessionProgressTests
{
    private const long Start = 1_000_000_000;
    private const long Ms = 1_000_000;
    private static readonly RunId Run = new(Guid.Parse("00112233445566778899aabbccddeeff"));

    private static PingSession NewSession(int count, int warmup = 2) => new(Run, new RunConfig
    {
        Count = count,
        Warmup = warmup,
        Interval = TimeSpan.FromMilliseconds(100),
        Deadline = TimeSpan.FromSeconds(1),
        PayloadBytes = 0,
    }, Start);

    private static PingFields Send(PingSession session)
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = session.WriteNextPing(session.NextSendDueNs, buffer, out _);
        Assert.True(PingCodec.TryReadPing(buffer.AsSpan(0, n), out var ping));
        return ping;
    }

    private static void Answer(PingSession session, PingFields ping, long rttNs)
    {
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePong(buffer, ping, 0, 0, 0);
        session.OnMessage(buffer.AsSpan(0, n), ping.SentNs + rttNs);
    }

    [Fact]
    public void Progress_NothingAnsweredYet_NoP50NoLossAndTheWholeScheduleLeft()
    {
        var session = NewSession(count: 8);

        var progress = session.Progress(Start);

        Assert.Equal(0, progress.Sent);
        Assert.Equal(10, progress.Total);
        Assert.Null(progress.P50Us);
        Assert.Null(progress.LossRate);
        Assert.Equal(0, progress.Lost);
        Assert.Equal(900 * Ms, progress.SendingLeftNs); // the 10th ping is due 900 ms after the first
    }

    [Fact]
    public void Progress_MeasuredAnswers_P50WithinHalfAPercentOfTheMedianWarmupsExcluded()
    {
        var session = NewSession(count: 101);
        var rtts = new List<long>();
        var random = new Random(7);
        for (int i = 0; i < 103; i++)
        {
            var ping = Send(session);
            // Warm-ups answer very slowly: if they counted, the median would move.
            long rtt = i < 2 ? 900 * Ms : (long)(random.Next(200, 5_000) * 1_000.0);
            Answer(session, ping, rtt);
            if (i >= 2)
            {
                rtts.Add(rtt);
            }
        }
        rtts.Sort();
        double medianUs = rtts[(rtts.Count - 1) / 2] / 1000.0;

        var progress = session.Progress(Start + (10_400 * Ms));

        Assert.NotNull(progress.P50Us);
        Assert.InRange(progress.P50Us!.Value, medianUs * 0.995, medianUs * 1.005);
        Assert.Equal(103, progress.Answered);
        Assert.Equal(101, progress.Decided);
        Assert.Equal(0, progress.Lost);
        Assert.Equal(0.0, progress.LossRate);
        Assert.Equal(0, progress.SendingLeftNs);
    }

    [Fact]
    public void Progress_PingPastItsDeadlineUnanswered_LostUntilALateAnswerMakesItLate()
    {
        var session = NewSession(count: 4, warmup: 1);
        Send(session);                                    // seq 0, a warm-up never answered: never lost
        var lost = Send(session);                         // seq 1, t = 100 ms
        var ok = Send(session);                           // seq 2, t = 200 ms
        Answer(session, ok, 10 * Ms);

        // At 1.2 s seq 1 is past its 1 s deadline; seq 2 is answered; nothing else is due yet.
        var during = session.Progress(Start + (1_150 * Ms));
        Assert.Equal(1, during.Lost);
        Assert.Equal(2, during.Decided);
        Assert.Equal(0.5, during.LossRate);

        Answer(session, lost, 1_500 * Ms);                // arrives late
        var after = session.Progress(Start + (1_700 * Ms));
        Assert.Equal(0, after.Lost);
        Assert.Equal(2, after.Decided);
    }

    [Fact]
    public void Progress_SendingStopped_NoTimeLeft()
    {
        var session = NewSession(count: 50);
        Send(session);
        session.StopSending();

        Assert.Equal(0, session.Progress(Start + Ms).SendingLeftNs);
    }

    [Fact]
    public void Progress_ElapsedIsTimeSinceTheFirstScheduledPing()
    {
        var session = NewSession(count: 5);

        Assert.Equal(250 * Ms, session.Progress(Start + (250 * Ms)).ElapsedNs);
        Assert.Equal(0, session.Progress(Start - Ms).ElapsedNs);
    }
}
