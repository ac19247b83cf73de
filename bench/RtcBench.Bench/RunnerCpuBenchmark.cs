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
    public HashSet<string> Parts { get; init; } = new(["timers", "pacing", "warmup"], StringComparer.Ordinal);
    public int TimerSamples { get; init; } = 300;
    public int Rounds { get; init; } = 6;
    public int Pings { get; init; } = 500;
    public double IntervalMs { get; init; } = 10;
    public int WarmupReps { get; init; } = 3;
}

/// <summary>
/// Issue 16's runner targets. <b>pacing</b>: the runner's CPU per ping and its send-time error (p99 send_delay) with
/// the old pacing (<see cref="LegacySpinPacer"/>) and the new (<see cref="SendPacer"/>), interleaved round by round
/// against one echo agent in a child process, so the process CPU measured here is the runner's alone.
/// <b>warmup</b>: cold processes (a fresh process per sample, the agent in-process as in quickstart), each measuring
/// one run; p99 of measured pings 1–50 against 151–200 under each warm-up policy or JIT setting.
/// </summary>
internal static class RunnerCpuBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<string> RunAsync(RunnerCpuOptions o, string commandLine)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Runner CPU per ping, send-time error and warm-up (issue 16)");
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
        if (o.Parts.Contains("warmup"))
        {
            await WarmupAsync(o, sb);
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

    // ---- warm-up ----

    /// <summary>One warm-up policy or JIT setting to try on cold processes.</summary>
    private sealed record WarmupVariant(string Name, int Warmup, (string Key, string Value)[] Env);

    // Every variant sets its JIT mode in the environment, which overrides the runtimeconfig this program ships with.
    private static readonly (string, string)[] Tiered = [("DOTNET_TieredCompilation", "1"), ("DOTNET_TC_QuickJit", "0"), ("DOTNET_TieredPGO", "0")];

    private static readonly WarmupVariant[] Variants =
    [
        new("before: tiered JIT (QuickJit off), --warmup 10", 10, Tiered),
        new("tiered JIT (QuickJit off), --warmup 200", 200, Tiered),
        new("now: TieredCompilation off, --warmup 10", 10, [("DOTNET_TieredCompilation", "0")]),
        new("tiered JIT (QuickJit off), ReadyToRun off, --warmup 10", 10, [.. Tiered, ("DOTNET_ReadyToRun", "0")]),
        new("tiered JIT, CallCountThreshold 1, CallCountingDelayMs 0, --warmup 10", 10, [.. Tiered, ("DOTNET_TC_CallCountThreshold", "1"), ("DOTNET_TC_CallCountingDelayMs", "0")]),
    ];

    private static async Task WarmupAsync(RunnerCpuOptions o, StringBuilder sb)
    {
        string[] platforms = ["udp", "direct"];
        var firsts = new Dictionary<(string, string), List<double>>();
        var lasts = new Dictionary<(string, string), List<double>>();
        var startup = new Dictionary<(string, string), List<double>>();
        var jitMethods = new Dictionary<(string, string), List<double>>();
        var jitMs = new Dictionary<(string, string), List<double>>();
        var failed = new Dictionary<(string, string), int>();
        var names = new Dictionary<(string, string), string>();
        for (int rep = 0; rep < o.WarmupReps; rep++)
        {
            for (int v = 0; v < Variants.Length; v++)
            {
                var variant = Variants[(v + rep) % Variants.Length]; // rotate the order each repetition
                foreach (string platform in platforms)
                {
                    var key = (variant.Name, platform);
                    var probe = await ProbeAsync(variant, platform, o.IntervalMs);
                    if (probe is null)
                    {
                        failed[key] = failed.GetValueOrDefault(key) + 1;
                        continue;
                    }
                    var (rtts, setupMs, methods, ms, compiled) = probe.Value;
                    names.TryAdd(key, compiled);
                    (jitMethods.TryGetValue(key, out var jm) ? jm : jitMethods[key] = []).Add(methods);
                    (jitMs.TryGetValue(key, out var jt) ? jt : jitMs[key] = []).Add(ms);
                    (firsts.TryGetValue(key, out var f) ? f : firsts[key] = []).AddRange(rtts.Take(50).Where(r => r >= 0));
                    (lasts.TryGetValue(key, out var l) ? l : lasts[key] = []).AddRange(rtts.Skip(150).Take(50).Where(r => r >= 0));
                    (startup.TryGetValue(key, out var s) ? s : startup[key] = []).Add(setupMs);
                    Console.Error.WriteLine($"warmup rep {rep + 1}/{o.WarmupReps} {variant.Name} {platform}: first50 p99 {P(rtts.Take(50).ToList(), 0.99):0} µs, 151-200 p99 {P(rtts.Skip(150).ToList(), 0.99):0} µs, JIT while measuring {methods} methods {ms:0.0} ms");
                }
            }
        }

        sb.AppendLine("## warm-up: p99 of measured pings 1–50 vs 151–200 in a cold process");
        sb.AppendLine();
        sb.Append("Each sample is a fresh process (this program's `warmup-probe`: an in-process agent and one `BenchmarkRunner` run, as ");
        sb.Append(Inv, $"`rtcbench quickstart` does) measuring 200 pings every {o.IntervalMs} ms on `udp` (lossy) or `direct` (reliable), ");
        sb.Append(Inv, $"{o.WarmupReps} processes per row in rotating order; RTTs of the same ping ranges are pooled across processes. ");
        sb.AppendLine("Process start to first ping = the probe's wall time from `Main` to the run's start (JIT settings change it).");
        sb.AppendLine();
        sb.AppendLine("JIT while measuring = methods the runtime compiled (and its compile time), all threads, between the first progress tick after the warm-up and the end of the run, mean per process: zero means the warm-up covered the JIT.");
        sb.AppendLine();
        sb.AppendLine("| policy / JIT setting | platform | processes ok / failed | p99 1–50 µs | p99 151–200 µs | ratio | p50 1–50 µs | p50 151–200 µs | JIT while measuring: methods | JIT ms | process start → first ping ms |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var variant in Variants)
        {
            foreach (string platform in platforms)
            {
                var key = (variant.Name, platform);
                int ok = startup.TryGetValue(key, out var st) ? st.Count : 0;
                if (ok == 0)
                {
                    sb.AppendLine(Inv, $"| {variant.Name} | {platform} | 0 / {failed.GetValueOrDefault(key)} | | | | | | | | |");
                    continue;
                }
                double p99First = P(firsts[key], 0.99), p99Last = P(lasts[key], 0.99);
                sb.AppendLine(Inv, $"| {variant.Name} | {platform} | {ok} / {failed.GetValueOrDefault(key)} | {p99First:0} | {p99Last:0} | {p99First / p99Last:0.00} | {P(firsts[key], 0.5):0} | {P(lasts[key], 0.5):0} | {jitMethods[key].Average():0} | {jitMs[key].Average():0.0} | {st!.Average():0} |");
            }
        }
        sb.AppendLine();
        sb.AppendLine("A failed process is one that did not get a run done (e.g. its `/health` call timed out while it compiled everything at start-up).");
        sb.AppendLine();
        sb.AppendLine("What was compiled while measuring, in the first process of each row (up to 25 names, in order):");
        sb.AppendLine();
        foreach (var variant in Variants)
        {
            foreach (string platform in platforms)
            {
                if (names.TryGetValue((variant.Name, platform), out var list))
                {
                    sb.AppendLine(Inv, $"- {variant.Name}, {platform}: {list}");
                }
            }
        }
        sb.AppendLine();
    }

    /// <summary>Runs one cold probe process; returns the RTTs (µs, −1 when not ok) of its measured pings in order.</summary>
    private static async Task<(List<double> Rtts, double StartToRunMs, long JitMethods, double JitMs, string Compiled)?> ProbeAsync(WarmupVariant variant, string platform, double intervalMs)
    {
        string self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, FileName = self };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(RunnerCpuBenchmark).Assembly.Location);
        }
        foreach (string a in new[] { "warmup-probe", platform, variant.Warmup.ToString(Inv), intervalMs.ToString(Inv) })
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (key, value) in variant.Env)
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the probe");
        var errors = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        string error = await errors;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string? rtts = lines.FirstOrDefault(l => l.StartsWith("rtts ", StringComparison.Ordinal));
        if (rtts is null)
        {
            string firstError = error.Split('\n').FirstOrDefault(l => l.Length > 0) ?? "";
            Console.Error.WriteLine($"probe {variant.Name} {platform} failed (exit {process.ExitCode}): {firstError}");
            return null;
        }
        string start = lines.First(l => l.StartsWith("start-ms ", StringComparison.Ordinal));
        string[] jit = lines.First(l => l.StartsWith("jit ", StringComparison.Ordinal)).Split(' ');
        string compiled = lines.FirstOrDefault(l => l.StartsWith("compiled ", StringComparison.Ordinal))?[9..] ?? "";
        return (rtts[5..].Split(',').Select(s => double.Parse(s, Inv)).ToList(), double.Parse(start[9..], Inv), long.Parse(jit[1], Inv), double.Parse(jit[2], Inv), compiled);
    }

    /// <summary>The probe process: <c>warmup-probe PLATFORM WARMUP INTERVAL_MS</c>.</summary>
    public static async Task<int> RunProbeAsync(string[] args)
    {
        long mainAt = Stopwatch.GetTimestamp();
        string platform = args[1];
        int warmup = int.Parse(args[2], Inv);
        double intervalMs = double.Parse(args[3], Inv);
        await using var agent = await AgentHost.StartAsync(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        using var jitNames = new JitNameListener();
        var observer = new StartObserver(warmup, jitNames);
        var runner = new BenchmarkRunner(MonoTime.System, observer);
        var options = new BenchmarkOptions
        {
            AgentUrl = agent.BaseUrl,
            Platforms = [platform],
            Channels = [platform == "udp" ? "lossy" : "reliable"],
            Config = new RunConfig { Count = 200, Warmup = warmup, Interval = TimeSpan.FromMilliseconds(intervalMs), Deadline = TimeSpan.FromSeconds(1) },
        };
        var report = await runner.RunAsync(options, CancellationToken.None, CancellationToken.None);
        var measured = report.Results.Single().Pings.Where(p => p.Status != "warmup").OrderBy(p => p.Seq)
            .Select(p => p.Status == "ok" ? p.RttUs!.Value : -1).ToList();
        Console.Out.WriteLine("rtts " + string.Join(',', measured.Select(r => r.ToString("0.0", Inv))));
        Console.Out.WriteLine("start-ms " + Stopwatch.GetElapsedTime(mainAt, observer.StartedAt).TotalMilliseconds.ToString("0", Inv));
        Console.Out.WriteLine("jit " + observer.MeasuredMethods.ToString(Inv) + " " + observer.MeasuredJitMs.ToString("0.0", Inv));
        Console.Out.WriteLine("compiled " + string.Join(", ", jitNames.Measured.Take(25).Select(n => n.Replace("System.Runtime.CompilerServices.", "", StringComparison.Ordinal).Replace("|", "/", StringComparison.Ordinal))));
        return 0;
    }

/// <summary>
    /// Marks the run's start and reads the runtime's JIT counters (methods compiled, compile time, all threads) at
    /// each progress call: the first call once measured pings are going out and the last one (after the final ping
    /// is decided, before the result is built) bound the measured phase to within a progress tick (200 ms).
    /// </summary>
    private sealed class StartObserver(int warmup, JitNameListener names) : IBenchmarkObserver
    {
        private long _methodsAtMeasure = -1;
        private TimeSpan _jitAtMeasure;

        public long StartedAt { get; private set; }

        public long MeasuredMethods { get; private set; }

        public double MeasuredJitMs { get; private set; }

        public void OnStep(string message)
        {
        }

        public void OnRunStarted(string platform, string channel, int totalPings) => StartedAt = Stopwatch.GetTimestamp();

        public void OnProgress(PingProgress progress)
        {
            long methods = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
            TimeSpan jit = System.Runtime.JitInfo.GetCompilationTime(currentThread: false);
            if (_methodsAtMeasure < 0)
            {
                if (progress.Sent > warmup)
                {
                    _methodsAtMeasure = methods;
                    _jitAtMeasure = jit;
                    names.Measuring = true;
                }
                return;
            }
            if (progress.Sent == progress.Total && progress.Answered + progress.Lost >= progress.Sent)
            {
                names.Measuring = false;
            }
            MeasuredMethods = methods - _methodsAtMeasure;
            MeasuredJitMs = (jit - _jitAtMeasure).TotalMilliseconds;
        }

        public void OnRunFinished(RunResult result)
        {
        }
    }

/// <summary>Names the methods the runtime compiles (its JIT verbose events) while <see cref="Measuring"/> is set.</summary>
    private sealed class JitNameListener : System.Diagnostics.Tracing.EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _measured = new();

        public volatile bool Measuring;

        public IEnumerable<string> Measured => _measured;

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x10);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (Measuring && e.EventName == "MethodLoadVerbose_V1" || Measuring && e.EventName == "MethodLoadVerbose_V2")
            {
                int ns = e.PayloadNames!.IndexOf("MethodNamespace"), name = e.PayloadNames.IndexOf("MethodName");
                _measured.Enqueue($"{e.Payload![ns]}.{e.Payload[name]}");
            }
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
