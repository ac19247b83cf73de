using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

public sealed class CatchUpTests
{
    [Fact]
    public void SendAt_FirstPing_IsItsScheduledTime()
    {
        Assert.Equal(5_000, CatchUp.SendAtNs(5_000, 0, CatchUp.NoneSent));
    }

    [Fact]
    public void SendAt_OnSchedule_IsTheScheduledTime()
    {
        // The previous ping went 80 µs late: well inside half a gap, so nothing changes.
        Assert.Equal(20_000_000, CatchUp.SendAtNs(20_000_000, 10_000_000, 10_080_000));
    }

    [Fact]
    public void SendAt_BehindSchedule_WaitsHalfTheGapAfterThePreviousSend()
    {
        // Ping 3 was due at 30 ms but the previous (due 20 ms) only went at 45 ms: ping 3 goes at 50 ms, not at once.
        Assert.Equal(50_000_000, CatchUp.SendAtNs(30_000_000, 20_000_000, 45_000_000));
    }

    [Fact]
    public void SendAt_AllSent_StaysMaxValue()
    {
        Assert.Equal(long.MaxValue, CatchUp.SendAtNs(long.MaxValue, 20_000_000, 25_000_000));
    }

    [Fact]
    public void SendAt_AfterAStall_CatchesUpAtTwiceTheRateThenRejoinsTheSchedule()
    {
        const long gap = 10_000_000;
        long sent = 55_000_000; // ping 0 (due 0) ... the sender stalled; ping 1 (due 10 ms) went at 55 ms
        long previousScheduled = gap;
        var sends = new List<long> { sent };
        for (int seq = 2; seq < 12; seq++)
        {
            long scheduled = seq * gap;
            sent = CatchUp.SendAtNs(scheduled, previousScheduled, sent);
            sends.Add(sent);
            Assert.True(sent >= scheduled, "never before its scheduled time");
            previousScheduled = scheduled;
        }

        // No burst: consecutive sends at least half a gap apart.
        for (int i = 1; i < sends.Count; i++)
        {
            Assert.True(sends[i] - sends[i - 1] >= gap / 2, $"sends {i - 1} and {i} are {sends[i] - sends[i - 1]} ns apart");
        }
        // Back on schedule: 45 ms behind, 5 ms regained per ping, so from ping 10 on every ping goes on time.
        Assert.Equal(100_000_000, sends[9]);
        Assert.Equal(110_000_000, sends[10]);
    }
}
