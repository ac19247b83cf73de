using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace RtcBench.Bench;

/// <summary>
/// How precisely each way of sleeping on this kernel wakes: the oversleep (wake − target) of sleeps aimed 9.5 ms
/// ahead, the candidates interleaved sample by sample (rotating order) on one thread so load hits them alike; and of
/// a short sleep taken right after waking from such a sleep (the sliced pacer's second stage).
/// </summary>
internal static partial class TimerPrecision
{
    private const long SleepNs = 9_500_000;
    private const int PrSetTimerSlack = 29;
    private const int ClockMonotonic = 1;
    private const int TimerAbstime = 1;
    private const int TfdTimerAbstime = 1;

    private sealed record Candidate(string Name, Func<long> Oversleep, long SlackNs);

    /// <summary>Sleeps with <paramref name="sleep"/> aimed <see cref="SleepNs"/> ahead; returns wake − target (ns).</summary>
    private static long Timed(Action<long> sleep, long ns = SleepNs)
    {
        long target = NowNs() + ns;
        sleep(ns);
        return NowNs() - target;
    }

    public static void Run(int samples, StringBuilder sb)
    {
        using var handle = new ManualResetEvent(false);
        int timerFd = TimerfdCreate(ClockMonotonic, 0);
        if (timerFd < 0)
        {
            throw new InvalidOperationException("timerfd_create failed");
        }
        Candidate[] candidates =
        [
            new("WaitHandle.WaitOne (whole ms; the old driver's sleep)", () => Timed(ns => handle.WaitOne((int)(ns / 1_000_000))), 50_000),
            new("Thread.Sleep (whole ms)", () => Timed(ns => Thread.Sleep((int)(ns / 1_000_000))), 50_000),
            new("Task.Delay (timer queue, whole ms)", () => Timed(ns => Task.Delay((int)(ns / 1_000_000)).Wait()), 50_000),
            new("clock_nanosleep, default 50 µs timer slack", () => Timed(Nanosleep), 50_000),
            new("clock_nanosleep, 1 µs timer slack (the pacer)", () => Timed(Nanosleep), 1_000),
            new("clock_nanosleep TIMER_ABSTIME, 1 µs slack", () => Timed(ns => NanosleepUntil(NowNs() + ns)), 1_000),
            new("timerfd TFD_TIMER_ABSTIME + read, 1 µs slack", () => Timed(ns => TimerfdUntil(timerFd, NowNs() + ns)), 1_000),
            new("250 µs clock_nanosleep right after waking from 9.25 ms", () => AfterWake(250_000), 1_000),
            new("1 ms clock_nanosleep right after waking from 8.5 ms", () => AfterWake(1_000_000), 1_000),
        ];
        var oversleeps = candidates.Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < samples; i++)
        {
            for (int k = 0; k < candidates.Length; k++)
            {
                int c = (k + i) % candidates.Length;
                _ = Prctl(PrSetTimerSlack, (ulong)candidates[c].SlackNs, 0, 0, 0);
                oversleeps[c].Add(candidates[c].Oversleep() / 1_000.0);
            }
        }
        _ = Prctl(PrSetTimerSlack, 50_000, 0, 0, 0);
        _ = Close(timerFd);

        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## timers: how late each way of sleeping wakes on this kernel");
        sb.AppendLine();
        sb.AppendLine(inv, $"{samples} sleeps aimed {SleepNs / 1e6} ms ahead per row (the last two rows: the short sleep after one), interleaved sample by sample on one thread. Oversleep = wake − target (a whole-ms sleep of 9.5 ms asks for 9 ms, so wakes ~0.5 ms early).");
        sb.AppendLine();
        sb.AppendLine("| sleep | p50 µs | p90 µs | p99 µs | p99.5 µs | max µs |");
        sb.AppendLine("|---|---|---|---|---|---|");
        for (int c = 0; c < candidates.Length; c++)
        {
            var v = oversleeps[c].ToArray();
            Array.Sort(v);
            sb.AppendLine(inv, $"| {candidates[c].Name} | {Q(v, 0.5):0.0} | {Q(v, 0.9):0.0} | {Q(v, 0.99):0.0} | {Q(v, 0.995):0.0} | {v[^1]:0.0} |");
        }
        sb.AppendLine();
    }

    private static double Q(double[] sorted, double q) => RtcBench.Core.Statistics.Percentile.Linear(sorted, q);

    /// <summary>A sleep to <see cref="SleepNs"/> − <paramref name="ns"/>, then one of <paramref name="ns"/>: the latter's oversleep.</summary>
    private static long AfterWake(long ns)
    {
        Nanosleep(SleepNs - ns);
        return Timed(Nanosleep, ns);
    }

    private static long NowNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    private static void NanosleepUntil(long monotonicNs)
    {
        // On Linux Stopwatch reads CLOCK_MONOTONIC (in ns), the clock the target is on.
        var request = new Timespec { Seconds = monotonicNs / 1_000_000_000, Nanoseconds = monotonicNs % 1_000_000_000 };
        _ = ClockNanosleep(ClockMonotonic, TimerAbstime, in request, IntPtr.Zero);
    }

    private static unsafe void TimerfdUntil(int fd, long monotonicNs)
    {
        var spec = new Itimerspec { ValueSeconds = monotonicNs / 1_000_000_000, ValueNanoseconds = monotonicNs % 1_000_000_000 };
        _ = TimerfdSettime(fd, TfdTimerAbstime, in spec, IntPtr.Zero);
        ulong expirations;
        _ = Read(fd, &expirations, 8);
    }

    private static void Nanosleep(long ns)
    {
        var request = new Timespec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
        _ = ClockNanosleep(1, 0, in request, IntPtr.Zero);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Itimerspec
    {
        public long IntervalSeconds;
        public long IntervalNanoseconds;
        public long ValueSeconds;
        public long ValueNanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "timerfd_create")]
    private static partial int TimerfdCreate(int clockId, int flags);

    [LibraryImport("libc", EntryPoint = "timerfd_settime")]
    private static partial int TimerfdSettime(int fd, int flags, in Itimerspec value, IntPtr old);

    [LibraryImport("libc", EntryPoint = "read")]
    private static unsafe partial nint Read(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in Timespec request, IntPtr remain);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
