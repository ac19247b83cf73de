using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using RtcBench.Agent;
using RtcBench.Core.Measurement;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;
using RtcBench.Core.Timing;
using RtcBench.Runner;
using RtcBench.Runner.Pacing;

namespace RtcBench.Bench;

internal sealed record RunnerCpuOptions
{
    public HashSet<string> Parts { get; init; } = new(["timers", "pacing"], StringComparer.Ordinal);
    public int TimerSamples { get; init; } = 300;
    public int Rounds { get; init; } = 6;
    public int Pings { get; init; } = 500;
    public double IntervalMs { get; init; } = 10;
}

/// <summary>
/// Issue 16's runner targets. <b>pacing</b>: the runner's CPU per ping and its send-time error (p99 send_delay) with
/// the old pacing (<see cref="LegacySpinPacer"/>) and the new (<see cref="SendPacer"/>), interleaved round by round
/// against one echo agent in a child process, so the process CPU measured here is the runner's alone.
/// (The warm-up target is <see cref="WarmupBenchmark"/>'s.)
/// </summary>
internal static class RunnerCpuBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<string> RunAsync(RunnerCpuOptions o, string commandLine)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Runner CPU per ping and send-time error (issue 16)");
        sb.AppendLine();
        sb.AppendLine(Inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, kernel {Environment.OSVersion.VersionString}");
        sb.AppendLine(Inv, $"- command: `{commandLine}`");
        sb.AppendLine(Inv, $"- load average at start: {LoadAverage()}");
        sb.AppendLine();
        if (o.Parts.Contains("timers"))
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("the timers part calls Linux clock_nanosleep and prctl");
            }
            TimerPrecision.Run(o.TimerSamples, sb);
        }
        if (o.Parts.Contains("pacing"))
        {
            await PacingAsync(o, sb);
        }
        sb.AppendLine(Inv, $"- load average at end: {LoadAverage()}");
        return sb.ToString();
    }

    private sealed class Sample
    {
        public double CpuMs;
        public int Pings;
        public readonly List<double> SendDelayUs = [];
        public readonly List<double> RttUs = [];
        public long SpunNs;
        public long MarginNs;
        public int LateWakes;
    }

    private static async Task PacingAsync(RunnerCpuOptions o, StringBuilder sb)
    {
        using var agent = AgentChildProcess.Start();
        var clock = MonoTime.System;
        var config = new RunConfig
        {
            Count = o.Pings,
            Warmup = 10,
            Interval = TimeSpan.FromMilliseconds(o.IntervalMs),
            Deadline = TimeSpan.FromSeconds(1),
        };
        var old = new Sample();
        var neu = new Sample();
        var oversleeps = new OversleepWindow(); // as one BenchmarkRunner keeps it across its runs
        for (int round = 0; round < o.Rounds; round++)
        {
            bool oldFirst = round % 2 == 0;
            await MeasurePacingAsync(clock, agent.BaseUrl, config, oldFirst ? old : neu, legacy: oldFirst, oversleeps);
            await MeasurePacingAsync(clock, agent.BaseUrl, config, oldFirst ? neu : old, legacy: !oldFirst, oversleeps);
            Console.Error.WriteLine($"pacing round {round + 1}/{o.Rounds}: old {old.CpuMs / Math.Max(1, old.Pings):0.000} ms/ping, new {neu.CpuMs / Math.Max(1, neu.Pings):0.000} ms/ping");
        }

        sb.AppendLine("## pacing: runner CPU per ping and send-time error, old vs new");
        sb.AppendLine();
        sb.Append(Inv, $"{o.Rounds} interleaved rounds (order alternating) of one `udp` run each way through `BenchmarkRunner`, {config.TotalPings} pings ");
        sb.Append(Inv, $"({config.Warmup} warm-up) every {o.IntervalMs} ms; the agent is a child process. CPU = this process's CPU time from the run's ");
        sb.AppendLine("start (after readiness) to its result, divided by the pings sent; send_delay = actual − scheduled send time over every sent ping. " +
            "The new pacer's oversleep window is kept from one of its runs to the next, as one `BenchmarkRunner` keeps it; its first run starts uncalibrated.");
        sb.AppendLine();
        sb.AppendLine("| pacing | pings | CPU ms / ping | send_delay p50 µs | p99 µs | max µs | RTT p50 µs | RTT p99 µs | spin µs / ping | margin at end µs | late wakes |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        Row(sb, "old: sleep to 1 ms before, spin", old);
        Row(sb, "new: hi-res sleep, adaptive spin", neu);
        sb.AppendLine();
        double cpuRatio = neu.CpuMs / neu.Pings / (old.CpuMs / old.Pings);
        double delayRatio = P(neu.SendDelayUs, 0.99) / P(old.SendDelayUs, 0.99);
        sb.AppendLine(Inv, $"**new / old: CPU per ping {cpuRatio:0.00}×, p99 send_delay {delayRatio:0.00}×** (target: CPU ≤ 0.3 ms per ping, p99 send_delay no worse).");
        sb.AppendLine();
    }

    private static void Row(StringBuilder sb, string name, Sample s)
    {
        string spin = s.SpunNs > 0 ? (s.SpunNs / 1000.0 / s.Pings).ToString("0.0", Inv) : "-";
        string margin = s.MarginNs > 0 ? (s.MarginNs / 1000.0).ToString("0", Inv) : "-";
        string late = s.MarginNs > 0 ? s.LateWakes.ToString(Inv) : "-";
        sb.AppendLine(Inv, $"| {name} | {s.Pings} | {s.CpuMs / s.Pings:0.000} | {P(s.SendDelayUs, 0.5):0.0} | {P(s.SendDelayUs, 0.99):0.0} | {P(s.SendDelayUs, 1):0.0} | {P(s.RttUs, 0.5):0.0} | {P(s.RttUs, 0.99):0.0} | {spin} | {margin} | {late} |");
    }

    private static async Task MeasurePacingAsync(MonoTime clock, Uri agentUrl, RunConfig config, Sample into, bool legacy, OversleepWindow oversleeps)
    {
        SendPacer? pacer = null;
        var disposables = new List<IDisposable>();
        var runner = new BenchmarkRunner(clock, new CpuObserver(into))
        {
            PacerFactory = (stop, abort) =>
            {
                if (legacy)
                {
                    var l = new LegacySpinPacer(clock, stop, abort);
                    disposables.Add(l);
                    return l;
                }
                var waits = new SystemPacingWaits(stop, abort);
                waits.PrepareThread(); // the factory runs on the driver thread
                disposables.Add(waits);
                return pacer = new SendPacer(clock, waits, oversleeps);
            },
        };
        var report = await runner.RunAsync(new BenchmarkOptions { AgentUrl = agentUrl, Platforms = ["udp"], Config = config }, CancellationToken.None, CancellationToken.None);
        disposables.ForEach(d => d.Dispose());
        var result = report.Results.Single();
        foreach (var ping in result.Pings)
        {
            if (ping.SendDelayUs is { } d)
            {
                into.SendDelayUs.Add(d);
            }
            if (ping.Status == "ok")
            {
                into.RttUs.Add(ping.RttUs!.Value);
            }
        }
        if (pacer is not null)
        {
            into.SpunNs += pacer.SpunNs;
            into.MarginNs = pacer.MarginNs;
            into.LateWakes += pacer.LateWakes;
        }
    }

    /// <summary>Reads this process's CPU time when a run starts and when its result is built.</summary>
    private sealed class CpuObserver(Sample into) : IBenchmarkObserver
    {
        private TimeSpan _start;

        public void OnStep(string message)
        {
        }

        public void OnRunStarted(string platform, string channel, int totalPings)
        {
            _start = Process.GetCurrentProcess().TotalProcessorTime;
        }

        public void OnRunFinished(RunResult result)
        {
            into.CpuMs += (Process.GetCurrentProcess().TotalProcessorTime - _start).TotalMilliseconds;
            into.Pings += result.Pings.Count(p => p.Status != "not_sent");
        }
    }

    private static double P(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return Percentile.Linear(sorted, q);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
