using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>The driver's pacing on a manual clock: what it sends when, never how long that takes on this machine.</summary>
public sealed class PingDriverPacingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const long IntervalNs = 10_000_000;

    private readonly ManualClock _clock = new();

    private async Task<PingRecord[]> RunAsync(RunConfig config, Func<CancellationToken, CancellationToken, ISendPacer> pacer, Action<int, int>? progress = null)
    {
        var session = new PingSession(RunId.New(), config, _clock.NowNs + 1_000_000);
        var channel = new RecordingChannel(_clock);
        await new PingDriver(session, channel, new MonoTime(_clock), (stop, abort, _) => pacer(stop, abort)).RunAsync(progress, CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);
        session.Finish();
        var records = session.Records.ToArray();
        Assert.Equal(records.Length, channel.SentAtNs.Count);
        return records;
    }

    [Fact]
    public async Task Driver_StallMidRun_CatchesUpOpenLoopWithoutABurst()
    {
        var config = new RunConfig { Count = 30, Warmup = 0, Interval = TimeSpan.FromTicks(IntervalNs / 100), Deadline = TimeSpan.FromMilliseconds(1) };

        var records = await RunAsync(config, (_, _) => new JumpPacer(_clock) { StallAt = 5, StallNs = 45_000_000 });

        Assert.All(records, r => Assert.True(r.SentNs >= r.ScheduledNs, $"ping {r.Seq} sent before its time"));
        // The schedule did not move: the stalled ping and those after it record their delay...
        Assert.Equal(45_000_000, records[5].SendDelayNs);
        Assert.True(records[6].SendDelayNs > 0);
        // ...they leave at least half a gap apart (no burst)...
        for (int i = 1; i < records.Length; i++)
        {
            Assert.True(records[i].SentNs - records[i - 1].SentNs >= IntervalNs / 2, $"pings {i - 1} and {i} went {records[i].SentNs - records[i - 1].SentNs} ns apart");
        }
        // ...and the sender is back on schedule 45 / 5 = 9 pings later.
        Assert.All(records.Skip(5 + 9), r => Assert.Equal(0, r.SendDelayNs));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1)]
    public async Task Driver_SlowProgressObserver_DelaysNoSendAndStillReports(int intervalMs)
    {
        // Each progress report takes 40 % of an interval (a console write on a loaded machine). Before, a report that
        // fell due during the wait for a send ran between the wake-up and the send and made that send late.
        long intervalNs = intervalMs * 1_000_000L;
        var config = new RunConfig { Count = 2_000, Warmup = 0, Interval = TimeSpan.FromMilliseconds(intervalMs), Deadline = TimeSpan.FromMilliseconds(1) };
        var reportedAt = new List<long>();

        var records = await RunAsync(config, (_, _) => new JumpPacer(_clock), (_, _) =>
        {
            reportedAt.Add(_clock.NowNs);
            _clock.NowNs += intervalNs * 4 / 10;
        });

        Assert.All(records, r => Assert.Equal(0, r.SendDelayNs));
        // Reports still come about every 200 ms while sending (at most one interval later than due).
        long sendingEnd = records[^1].SentNs;
        var whileSending = reportedAt.Where(t => t <= sendingEnd).ToList();
        Assert.True(whileSending.Count >= (sendingEnd - records[0].SentNs) / (200_000_000 + 2 * intervalNs), $"{whileSending.Count} reports");
        for (int i = 1; i < whileSending.Count; i++)
        {
            Assert.InRange(whileSending[i] - whileSending[i - 1], 200_000_000, 200_000_000 + 2 * intervalNs);
        }
    }

    [Fact]
    public async Task Driver_AdaptivePacer_NeverSendsEarlyAndSpinsOnlyTheLearntMargin()
    {
        var waits = new FakeWaits(_clock) { Oversleep = i => 20_000 + (i % 7) * 5_000 };
        SendPacer? pacer = null;
        var config = new RunConfig { Count = 200, Warmup = 10, Interval = TimeSpan.FromTicks(IntervalNs / 100), Deadline = TimeSpan.FromMilliseconds(1) };

        var records = await RunAsync(config, (_, _) => pacer = new SendPacer(new MonoTime(_clock), waits));

        Assert.All(records, r => Assert.InRange(r.SendDelayNs, 0, waits.SpinStepNs));
        Assert.NotNull(pacer);
        Assert.Equal(50_000 + SendPacer.GuardNs, pacer.MarginNs);
        // The old driver spun 1 ms before every send; this one spins 1 ms only until it has its first samples, then
        // at most the margin (60 µs here).
        double spunPerPingNs = (double)pacer.SpunNs / records.Length;
        Assert.True(spunPerPingNs < 250_000, $"spun {spunPerPingNs} ns per ping");
    }

    [Fact]
    public async Task Driver_SteadyState_AllocatesNothingBetweenSends()
    {
        var config = new RunConfig { Count = 200, Warmup = 0, Interval = TimeSpan.FromTicks(IntervalNs / 100), Deadline = TimeSpan.FromMilliseconds(1) };
        var session = new PingSession(RunId.New(), config, _clock.NowNs + 1_000_000);
        var channel = new RecordingChannel(_clock, config.TotalPings);
        var pacer = new AllocationPacer(_clock, config.TotalPings);

        await new PingDriver(session, channel, new MonoTime(_clock), (_, _, _) => pacer).RunAsync(null, CancellationToken.None, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(config.TotalPings, channel.SentAtNs.Count);
        // Read on the driver thread at each wait: from the 50th send to the 150th the loop allocated nothing.
        Assert.Equal(0, pacer.AllocatedAt[150] - pacer.AllocatedAt[50]);
    }

    /// <summary>Jumps the clock like <see cref="JumpPacer"/> and reads the driver thread's allocated bytes at each send wait.</summary>
    private sealed class AllocationPacer(ManualClock clock, int capacity) : ISendPacer
    {
        private int _waits;

        public long[] AllocatedAt { get; } = new long[capacity + 1];

        public bool WaitForSend(long dueNs)
        {
            if (_waits < AllocatedAt.Length)
            {
                AllocatedAt[_waits++] = GC.GetAllocatedBytesForCurrentThread();
            }
            clock.NowNs = Math.Max(clock.NowNs, dueNs);
            return true;
        }

        public bool WaitLoosely(long untilNs)
        {
            clock.NowNs = Math.Max(clock.NowNs, untilNs);
            return true;
        }
    }

    private sealed class HookPacer(ManualClock clock) : ISendPacer
    {
        public int Sent;
        public int Answered;
        public int Waits;
        public Action? InWait;

        public bool WaitForSend(long dueNs)
        {
            Waits++;
            InWait?.Invoke();
            clock.NowNs = Math.Max(clock.NowNs, dueNs);
            return true;
        }

        public bool WaitLoosely(long untilNs)
        {
            clock.NowNs = Math.Max(clock.NowNs, untilNs);
            return true;
        }

        public void OnSent() => Sent++;

        public void OnAnswered() => Answered++;
    }

    [Fact]
    public async Task Driver_TellsThePacerOfEachSend_AndOfAnswersReadOnItsOwnThreadOnly()
    {
        var config = new RunConfig { Count = 20, Warmup = 0, Interval = TimeSpan.FromTicks(IntervalNs / 100), Deadline = TimeSpan.FromMilliseconds(1) };
        var session = new PingSession(RunId.New(), config, _clock.NowNs + 1_000_000);
        var pacer = new HookPacer(_clock);
        var driver = new PingDriver(session, new RecordingChannel(_clock), new MonoTime(_clock), (_, _, _) => pacer);
        byte[] notAPong = "{}"u8.ToArray();
        pacer.InWait = () => driver.OnMessage(notAPong, _clock.NowNs); // read by the driver's thread while it waits

        var run = driver.RunAsync(null, CancellationToken.None, CancellationToken.None);
        driver.OnMessage(notAPong, _clock.NowNs); // read by another thread (a receive thread): not the pacer's business
        await run.WaitAsync(Timeout);
        driver.OnMessage(notAPong, _clock.NowNs);

        Assert.Equal(20, pacer.Sent);
        Assert.True(pacer.Waits >= 20, $"{pacer.Waits} waits");
        Assert.Equal(pacer.Waits, pacer.Answered);
    }
}
