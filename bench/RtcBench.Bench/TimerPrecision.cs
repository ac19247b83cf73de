using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace RtcBench.Bench;

/// <summary>
/// How precisely each way of sleeping on this kernel wakes: the oversleep (wake − target) of sleeps aimed 9.5 ms
/// ahead, the candidates interleaved sample by sample (rotating order) on one thread so load hits them alike.
/// </summary>
internal static partial class TimerPrecision
{
    private const long SleepNs = 9_500_000;
    private const int PrSetTimerSlack = 29;

    private sealed record Candidate(string Name, Action<long> Sleep, long SlackNs);

    public static void Run(int samples, StringBuilder sb)
    {
        using var handle = new ManualResetEvent(false);
        using var periodic = new PeriodicTimer(TimeSpan.FromTicks(SleepNs / 100));
        Candidate[] candidates =
        [
            new("WaitHandle.WaitOne (whole ms; the old driver's sleep)", ns => handle.WaitOne((int)(ns / 1_000_000)), 50_000),
            new("Thread.Sleep (whole ms)", ns => Thread.Sleep((int)(ns / 1_000_000)), 50_000),
            new("Task.Delay (timer queue, whole ms)", ns => Task.Delay((int)(ns / 1_000_000)).Wait(), 50_000),
            new("clock_nanosleep, default 50 µs timer slack", Nanosleep, 50_000),
            new("clock_nanosleep, 1 µs timer slack (the new pacer)", Nanosleep, 1_000),
        ];
        var oversleeps = candidates.Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < samples; i++)
        {
            for (int k = 0; k < candidates.Length; k++)
            {
                int c = (k + i) % candidates.Length;
                _ = Prctl(PrSetTimerSlack, (ulong)candidates[c].SlackNs, 0, 0, 0);
                long target = Stopwatch.GetTimestamp() + SleepNs * Stopwatch.Frequency / 1_000_000_000;
                candidates[c].Sleep(SleepNs);
                long now = Stopwatch.GetTimestamp();
                oversleeps[c].Add((now - target) * 1_000_000.0 / Stopwatch.Frequency);
            }
        }
        _ = Prctl(PrSetTimerSlack, 50_000, 0, 0, 0);

        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## timers: how late each way of sleeping wakes on this kernel");
        sb.AppendLine();
        sb.AppendLine(inv, $"{samples} sleeps aimed {SleepNs / 1e6} ms ahead per row, interleaved sample by sample on one thread. Oversleep = wake − target (a whole-ms sleep of 9.5 ms asks for 9 ms, so wakes ~0.5 ms early).");
        sb.AppendLine();
        sb.AppendLine("| sleep | p50 µs | p90 µs | p99 µs | max µs |");
        sb.AppendLine("|---|---|---|---|---|");
        for (int c = 0; c < candidates.Length; c++)
        {
            var v = oversleeps[c].ToArray();
            Array.Sort(v);
            sb.AppendLine(inv, $"| {candidates[c].Name} | {Q(v, 0.5):0.0} | {Q(v, 0.9):0.0} | {Q(v, 0.99):0.0} | {v[^1]:0.0} |");
        }
        sb.AppendLine();
    }

    private static double Q(double[] sorted, double q) => RtcBench.Core.Statistics.Percentile.Linear(sorted, q);

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

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in Timespec request, IntPtr remain);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
