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
    public HashSet<string> Pacers { get; init; } = new(["legacy", "spin-only", "spin-only-rxthread", "two-stage"], StringComparer.Ordinal);

    /// <summary>A directory to write each run's precise-sleep oversleeps to (one ns value a line), for offline study.</summary>
    public string? OversleepsTo { get; init; }
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
        public long ShortMarginNs;
        public long ShortSleeps;
        public int LateWakes;
        public readonly Dictionary<string, double> ThreadCpuMs = new(StringComparer.Ordinal);
        public readonly List<double> RunCpuMsPerPing = [];
        public readonly List<long> OversleepsNs = [];
        public int RealTimeRuns;
    }

    /// <summary>How a round's run paces its sends.</summary>
    internal enum Pacing
    {
        /// <summary>Wave 0: whole-ms sleep to 1 ms before each send, then spin (<see cref="LegacySpinPacer"/>).</summary>
        Legacy,

        /// <summary>The default: one precise sleep to the adaptive margin, then a spin (<see cref="PacingCalibration.SpinOnly"/>).</summary>
        SpinOnly,

        /// <summary>As <see cref="SpinOnly"/>, the pongs read by the channel's receive thread instead of the driver's
        /// (the shape before the driver's waits received, <c>BenchmarkRunner.ReceiveOnSendingThread = false</c>).</summary>
        SpinOnlyReceiveThread,

        /// <summary>One precise sleep, one short one, a spin covering the largest short-sleep oversleep of the window.</summary>
        TwoStage,

        /// <summary>As <see cref="TwoStage"/>, the spin covering the second-largest.</summary>
        TwoStageRank2,

        /// <summary>As <see cref="TwoStage"/>, with short sleeps of at most 250 µs (several per send).</summary>
        Sliced250,

        /// <summary>As <see cref="SpinOnly"/>, the driver's thread at real-time priority from each answer to the next
        /// send (<c>BenchmarkRunner.RealTimePacing</c>, not the default).</summary>
        SpinOnlyRealTime,

        /// <summary>As <see cref="SpinOnlyRealTime"/>, real-time priority held while waiting for the answer too.</summary>
        SpinOnlyRealTimeHeld,
    }

    /// <summary>The names <c>--pacers</c> takes, in report order.</summary>
    internal static readonly (Pacing Kind, string Option, string Name)[] AllPacings =
    [
        (Pacing.Legacy, "legacy", "wave 0: sleep to 1 ms before, spin"),
        (Pacing.SpinOnly, "spin-only", "spin-only (the default): one precise sleep, spin the adaptive margin; the driver's thread reads the pongs"),
        (Pacing.SpinOnlyReceiveThread, "spin-only-rxthread", "spin-only, the pongs read by the channel's receive thread (the previous shape)"),
        (Pacing.TwoStage, "two-stage", "two-stage: precise sleep, short sleep, spin the short sleep's margin"),
        (Pacing.TwoStageRank2, "two-stage-rank2", "two-stage, the spin covering the second-largest short-sleep oversleep"),
        (Pacing.Sliced250, "sliced-250", "two-stage with short sleeps of at most 250 µs"),
        (Pacing.SpinOnlyRealTime, "spin-only-rt", "spin-only, the driver's thread at real-time priority from each answer to the next send (not the default)"),
        (Pacing.SpinOnlyRealTimeHeld, "spin-only-rt-held", "spin-only, real-time priority held while waiting for the answer too"),
    ];

    private static PacingCalibration? NewCalibration(Pacing kind) => kind switch
    {
        Pacing.SpinOnly or Pacing.SpinOnlyReceiveThread or Pacing.SpinOnlyRealTime or Pacing.SpinOnlyRealTimeHeld => PacingCalibration.SpinOnly(),
        Pacing.TwoStage => PacingCalibration.TwoStage(),
        Pacing.TwoStageRank2 => PacingCalibration.TwoStage(shortRank: 2),
        Pacing.Sliced250 => PacingCalibration.TwoStage(maxShortSleepNs: 250_000),
        _ => null,
    };

    private static async Task PacingAsync(RunnerCpuOptions o, StringBuilder sb)
    {
        var unknown = o.Pacers.Where(p => !AllPacings.Any(a => a.Option == p)).ToList();
        if (unknown.Count > 0)
        {
            throw new FormatException($"--pacers: unknown {string.Join(", ", unknown)} (known: {string.Join(", ", AllPacings.Select(a => a.Option))})");
        }
        var pacings = AllPacings.Where(a => o.Pacers.Contains(a.Option)).Select(a => (a.Kind, a.Name)).ToArray();
        using var agent = AgentChildProcess.Start();
        var clock = MonoTime.System;
        var config = new RunConfig
        {
            Count = o.Pings,
            Warmup = 10,
            Interval = TimeSpan.FromMilliseconds(o.IntervalMs),
            Deadline = TimeSpan.FromSeconds(1),
        };
        var samples = pacings.Select(_ => new Sample()).ToArray();
        for (int round = 0; round < o.Rounds; round++)
        {
            // Every run starts with a fresh oversleep window, as the one run of an `rtcbench run --platform udp` does.
            var windows = pacings.Select(p => NewCalibration(p.Kind)).ToArray();
            for (int i = 0; i < pacings.Length; i++)
            {
                int k = (i + round) % pacings.Length; // rotate the order each round
                int before = samples[k].OversleepsNs.Count;
                await MeasurePacingAsync(clock, agent.BaseUrl, config, samples[k], pacings[k].Kind, windows[k]);
                if (o.OversleepsTo is { } dir)
                {
                    Directory.CreateDirectory(dir);
                    string option = AllPacings.First(a => a.Kind == pacings[k].Kind).Option;
                    File.WriteAllLines(Path.Combine(dir, $"{option}-round{round + 1}.txt"), samples[k].OversleepsNs.Skip(before).Select(v => v.ToString(Inv)));
                }
            }
            Console.Error.WriteLine($"pacing round {round + 1}/{o.Rounds}: " + string.Join(", ", pacings.Select((p, k) => $"{p.Kind} {samples[k].CpuMs / Math.Max(1, samples[k].Pings):0.000} ms/ping")));
        }

        sb.AppendLine("## pacing: runner CPU per ping and send-time error, by pacer");
        sb.AppendLine();
        sb.Append(Inv, $"{o.Rounds} interleaved rounds (order rotating) of one `udp` run per pacer through `BenchmarkRunner`, {config.TotalPings} pings ");
        sb.Append(Inv, $"({config.Warmup} warm-up) every {o.IntervalMs} ms; the agent is a child process. CPU = this process's CPU time from the run's ");
        sb.AppendLine("start (after readiness) to its result, divided by the pings sent; send_delay = actual − scheduled send time over every sent ping. " +
            "Every run starts with fresh oversleep windows, as the single run of an `rtcbench run --platform udp` process does (spin-only: 1 ms margin until 16 samples, then the largest oversleep seen, the second-largest from 256 on, the third from 512; two-stage: the first sleep's margin covers the largest of its window (up to 2 ms, 2 ms until 16 samples), the short sleep's the largest of its own (up to 1 ms; rank 2: the second-largest from 512 on)). " +
            "spin = time spent spinning; short sleeps = per ping; margins = the last run's at its end (first / short); late = sends whose last sleep woke after the send time.");
        sb.AppendLine();
        sb.AppendLine("| pacing | pings | CPU ms / ping | send_delay p50 µs | p99 µs | max µs | RTT p50 µs | RTT p99 µs | spin µs / ping | short sleeps / ping | margins at end µs | late |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int k = 0; k < pacings.Length; k++)
        {
            Row(sb, pacings[k].Name, samples[k]);
        }
        sb.AppendLine();
        sb.AppendLine("How late the precise sleeps woke (µs; every precise sleep of every round, from a wrapper around the pacer's waits):");
        sb.AppendLine();
        sb.AppendLine("| pacing | sleeps | p50 | p90 | p99 | p99.5 | p99.9 | max | > 100 µs | > 300 µs |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        for (int k = 0; k < pacings.Length; k++)
        {
            var os = samples[k].OversleepsNs.Select(v => v / 1000.0).ToList();
            if (os.Count == 0)
            {
                continue;
            }
            sb.AppendLine(Inv, $"| {pacings[k].Kind} | {os.Count} | {P(os, 0.5):0.0} | {P(os, 0.9):0.0} | {P(os, 0.99):0.0} | {P(os, 0.995):0.0} | {P(os, 0.999):0.0} | {P(os, 1):0.0} | {os.Count(v => v > 100)} | {os.Count(v => v > 300)} |");
        }
        sb.AppendLine();
        for (int k = 0; k < pacings.Length; k++)
        {
            if (pacings[k].Kind is Pacing.SpinOnlyRealTime or Pacing.SpinOnlyRealTimeHeld)
            {
                sb.AppendLine(Inv, $"- {pacings[k].Kind}: the driver's thread got its raised priority in {samples[k].RealTimeRuns} of {o.Rounds} runs");
            }
        }
        int baseline = Array.FindIndex(pacings, p => p.Kind == Pacing.SpinOnly);
        for (int k = 0; k < pacings.Length && baseline >= 0; k++)
        {
            if (pacings[k].Kind == Pacing.Legacy || k == baseline)
            {
                continue;
            }
            Sample b = samples[baseline], neu = samples[k];
            string bName = pacings[baseline].Kind.ToString();
            double cpuRatio = neu.CpuMs / neu.Pings / (b.CpuMs / b.Pings);
            double medianRatio = P(neu.RunCpuMsPerPing, 0.5) / P(b.RunCpuMsPerPing, 0.5);
            double delayRatio = P(neu.SendDelayUs, 0.99) / P(b.SendDelayUs, 0.99);
            double rttRatio = P(neu.RttUs, 0.5) / P(b.RttUs, 0.5);
            sb.AppendLine(Inv, $"- **{pacings[k].Kind} / {bName}: CPU per ping {cpuRatio:0.00}× ({neu.CpuMs / neu.Pings:0.000} vs {b.CpuMs / b.Pings:0.000} ms; run medians {medianRatio:0.00}×), p99 send_delay {delayRatio:0.00}× ({P(neu.SendDelayUs, 0.99):0.0} vs {P(b.SendDelayUs, 0.99):0.0} µs), late sends {neu.LateWakes} vs {b.LateWakes}, RTT p50 {rttRatio:0.00}×**");
        }
        sb.AppendLine();
        sb.AppendLine("(target: CPU ≤ 0.3 ms per ping at 10 ms pacing, p99 send_delay no worse.)");
        sb.AppendLine();
        sb.AppendLine("CPU ms per ping, run by run (round order):");
        sb.AppendLine();
        sb.AppendLine("| pacing | " + string.Join(" | ", Enumerable.Range(1, o.Rounds).Select(r => "round " + r.ToString(Inv))) + " | median |");
        sb.AppendLine("|---|" + string.Concat(Enumerable.Range(0, o.Rounds + 1).Select(_ => "---|")));
        for (int k = 0; k < pacings.Length; k++)
        {
            var runs = samples[k].RunCpuMsPerPing;
            sb.AppendLine("| " + pacings[k].Kind + " | " + string.Join(" | ", runs.Select(v => v.ToString("0.000", Inv))) + " | " + P(runs, 0.5).ToString("0.000", Inv) + " |");
        }
        sb.AppendLine();
        sb.AppendLine("CPU per ping by thread (µs; from `/proc/self/task/*/schedstat`, threads alive at the run's start and end, grouped by name):");
        sb.AppendLine();
        var threadNames = samples.SelectMany(s => s.ThreadCpuMs.Keys).Distinct().OrderByDescending(n => samples.Max(s => s.ThreadCpuMs.GetValueOrDefault(n) / Math.Max(1, s.Pings))).ToList();
        sb.AppendLine("| thread | " + string.Join(" | ", pacings.Select(p => p.Kind.ToString())) + " |");
        sb.AppendLine("|---|" + string.Concat(pacings.Select(_ => "---|")));
        foreach (var s in samples)
        {
            // The ping driver's thread ends before the result is built: what no live thread accounts for is its share.
            s.ThreadCpuMs["(ended: ping driver)"] = s.CpuMs - s.ThreadCpuMs.Values.Sum();
        }
        threadNames.Insert(0, "(ended: ping driver)");
        foreach (string name in threadNames)
        {
            string cells = string.Join(" | ", samples.Select(s => (s.ThreadCpuMs.GetValueOrDefault(name) * 1000 / Math.Max(1, s.Pings)).ToString("0.0", Inv)));
            sb.AppendLine("| " + name + " | " + cells + " |");
        }
        sb.AppendLine();
    }

    private static void Row(StringBuilder sb, string name, Sample s)
    {
        string spin = s.SpunNs > 0 ? (s.SpunNs / 1000.0 / s.Pings).ToString("0.0", Inv) : "-";
        string margin = s.MarginNs > 0 ? (s.MarginNs / 1000.0).ToString("0", Inv) + (s.ShortMarginNs > 0 ? " / " + (s.ShortMarginNs / 1000.0).ToString("0", Inv) : "") : "-";
        string slices = s.MarginNs > 0 ? ((double)s.ShortSleeps / s.Pings).ToString("0.00", Inv) : "-";
        string late = s.MarginNs > 0 ? s.LateWakes.ToString(Inv) : "-";
        sb.AppendLine(Inv, $"| {name} | {s.Pings} | {s.CpuMs / s.Pings:0.000} | {P(s.SendDelayUs, 0.5):0.0} | {P(s.SendDelayUs, 0.99):0.0} | {P(s.SendDelayUs, 1):0.0} | {P(s.RttUs, 0.5):0.0} | {P(s.RttUs, 0.99):0.0} | {spin} | {slices} | {margin} | {late} |");
    }

    private static async Task MeasurePacingAsync(MonoTime clock, Uri agentUrl, RunConfig config, Sample into, Pacing kind, PacingCalibration? calibration)
    {
        SendPacer? pacer = null;
        var disposables = new List<IDisposable>();
        var runner = new BenchmarkRunner(clock, new CpuObserver(into))
        {
            // The legacy pacer cannot receive while it waits; the driver's thread reads the pongs with the others
            // (as the CLI does) except in the row that measures the previous shape.
            ReceiveOnSendingThread = kind is not (Pacing.Legacy or Pacing.SpinOnlyReceiveThread),
            PacerFactory = (stop, abort, receiver) =>
            {
                if (kind == Pacing.Legacy)
                {
                    var l = new LegacySpinPacer(clock, stop, abort);
                    disposables.Add(l);
                    return l;
                }
                var waits = new SystemPacingWaits(stop, abort, receiver);
                // The factory runs on the driver thread; real-time priority as the driver asks for it with RealTimePacing.
                bool realTime = kind is Pacing.SpinOnlyRealTime or Pacing.SpinOnlyRealTimeHeld && PingDriver.WantsRealTime(config, Environment.ProcessorCount);
                into.RealTimeRuns += waits.PrepareThread(realTime) ? 1 : 0;
                disposables.Add(waits);
                pacer = new SendPacer(clock, new RecordingWaits(clock, waits, into.OversleepsNs, holdPriority: kind == Pacing.SpinOnlyRealTimeHeld), calibration);
                pacer.Prepare(); // as the driver does
                return pacer;
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
            into.ShortMarginNs = pacer.ShortMarginNs;
            into.ShortSleeps += pacer.ShortSleeps;
            into.LateWakes += pacer.LateWakes;
        }
    }

    /// <summary>On-CPU time (ms) of each of this process's threads, by thread id, with its name.</summary>
    private static Dictionary<string, (string Name, double Ms)> ThreadCpu()
    {
        var threads = new Dictionary<string, (string, double)>(StringComparer.Ordinal);
        try
        {
            foreach (string dir in Directory.GetDirectories("/proc/self/task"))
            {
                try
                {
                    string name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                    long ns = long.Parse(File.ReadAllText(Path.Combine(dir, "schedstat")).Split(' ')[0], Inv);
                    threads[Path.GetFileName(dir)] = (name, ns / 1e6);
                }
                catch (IOException)
                {
                    // the thread ended meanwhile
                }
            }
        }
        catch (IOException)
        {
            // not Linux
        }
        catch (UnauthorizedAccessException)
        {
        }
        return threads;
    }

    /// <summary>Reads this process's CPU time when a run starts and when its result is built.</summary>
    private sealed class CpuObserver(Sample into) : IBenchmarkObserver
    {
        private TimeSpan _start;
        private Dictionary<string, (string Name, double Ms)> _threads = [];

        public void OnStep(string message)
        {
        }

        public void OnRunStarted(string platform, string channel, int totalPings)
        {
            _threads = ThreadCpu();
            _start = Process.GetCurrentProcess().TotalProcessorTime;
        }

        public void OnRunFinished(RunResult result)
        {
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - _start).TotalMilliseconds;
            into.CpuMs += cpuMs;
            into.RunCpuMsPerPing.Add(cpuMs / Math.Max(1, result.Pings.Count(p => p.Status != "not_sent")));
            foreach (var (tid, (name, ms)) in ThreadCpu())
            {
                // Threads started during the run (the ping driver's) count from zero; .NET's pool threads share a name.
                double before = _threads.TryGetValue(tid, out var at) ? at.Ms : 0;
                into.ThreadCpuMs[name] = into.ThreadCpuMs.GetValueOrDefault(name) + (ms - before);
            }
            into.Pings += result.Pings.Count(p => p.Status != "not_sent");
        }
    }

    private static double P(List<double> values, double q) => DirectBenchmark.PercentileOfUnsorted(values, q);

    private static string LoadAverage() => DirectBenchmark.LoadAverage();
}
