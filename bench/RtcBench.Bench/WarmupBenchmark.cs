using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Text;
using RtcBench.Agent;
using RtcBench.Core.Measurement;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;
using RtcBench.Core.Timing;
using RtcBench.Runner;

namespace RtcBench.Bench;

internal sealed record WarmupBenchOptions
{
    public int Rounds { get; init; } = 5;
    public double IntervalMs { get; init; } = 10;
    public IReadOnlyList<string> Variants { get; init; } = WarmupBenchmark.VariantKeys;
    public IReadOnlyList<string> Platforms { get; init; } = ["udp", "direct"];
}

/// <summary>
/// Issue 16's warm-up target: "the first measured pings are as fast as the last", p99 of measured pings 1–50 within
/// 20 % of pings 151–200. Each sample is a cold process (<c>warmup-probe</c>: an in-process agent and one
/// <see cref="BenchmarkRunner"/> run, as <c>rtcbench quickstart</c> runs them, so the JIT setting applies to the
/// runner's and the agent's echo path alike) with one warm-up policy or JIT setting; every round runs every
/// (setting, platform) pair once, in an order that rotates from round to round, and the pings of the same range are
/// pooled across a row's processes.
/// </summary>
internal static class WarmupBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One warm-up policy or JIT setting; <see cref="WarmupMs"/> &gt; 0 is a time-based warm-up (as a count at the interval).</summary>
    private sealed record Variant(string Key, string Name, int Warmup, double WarmupMs, (string Key, string Value)[] Env)
    {
        public int WarmupPings(double intervalMs) => WarmupMs > 0 ? Math.Max(Warmup, (int)Math.Ceiling(WarmupMs / intervalMs)) : Warmup;
    }

    // Each sets its JIT mode in the environment, which overrides the runtimeconfig this program ships with (no tiering).
    private static readonly (string, string)[] TieredDefaults = [("DOTNET_TieredCompilation", "1")];
    private static readonly (string, string)[] NoTiering = [("DOTNET_TieredCompilation", "0")];

    private static readonly Variant[] All =
    [
        new("no-tier-10", "this morning: TieredCompilation off, --warmup 10", 10, 0, NoTiering),
        new("tiered", "tiered JIT, .NET defaults (QuickJit, TieredPGO), --warmup 10", 10, 0, TieredDefaults),
        new("tiered-nopgo", "tiered JIT, TieredPGO off, --warmup 10", 10, 0, [.. TieredDefaults, ("DOTNET_TieredPGO", "0")]),
        new("tiered-3s", "tiered JIT, .NET defaults, time-based warm-up 3 s", 10, 3000, TieredDefaults),
        new("no-tier-1s", "now (the default): TieredCompilation off, warm-up of the first second", 10, 1000, NoTiering),
        new("r2r-off", "TieredCompilation off, ReadyToRun off (framework JIT-compiled too), --warmup 10", 10, 0, [.. NoTiering, ("DOTNET_ReadyToRun", "0")]),
    ];

    public static readonly IReadOnlyList<string> VariantKeys = [.. All.Select(v => v.Key)];

    public static async Task<int> CommandAsync(string[] args)
    {
        if (BenchArgs.Read(args, "--rounds", "--interval-ms", "--variants", "--platforms") is not { } a)
        {
            return 2;
        }
        var d = new WarmupBenchOptions();
        var variants = a.String("--variants")?.Split(',') ?? [.. d.Variants];
        if (variants.FirstOrDefault(k => !VariantKeys.Contains(k)) is { } unknown)
        {
            Console.Error.WriteLine($"unknown variant {unknown}; known: {string.Join(',', VariantKeys)}");
            return 2;
        }
        var o = d with
        {
            Rounds = a.Int("--rounds", d.Rounds),
            IntervalMs = a.Double("--interval-ms", d.IntervalMs),
            Variants = variants,
            Platforms = a.String("--platforms")?.Split(',') ?? d.Platforms,
        };
        string report = await RunAsync(o, BenchArgs.CommandLine(args));
        return await BenchReport.EmitAsync(report, a.Output);
    }

    private sealed class Row
    {
        public readonly List<double> First = [];
        public readonly List<double> Last = [];
        public readonly List<double> HoldFirst = [];
        public readonly List<double> HoldLast = [];
        public readonly List<double> StartMs = [];
        public readonly List<double> JitMethods = [];
        public readonly List<double> JitMs = [];
        public readonly List<double> ProcessRatios = [];
        public int Failed;
        public string? Compiled;
    }

    public static async Task<string> RunAsync(WarmupBenchOptions o, string commandLine)
    {
        var variants = All.Where(v => o.Variants.Contains(v.Key)).ToArray();
        var rows = new Dictionary<(string, string), Row>();
        var pairs = variants.SelectMany(v => o.Platforms.Select(p => (Variant: v, Platform: p))).ToArray();
        foreach (var (v, p) in pairs)
        {
            rows[(v.Key, p)] = new Row();
        }
        string loadStart = LoadAverage();
        for (int round = 0; round < o.Rounds; round++)
        {
            for (int i = 0; i < pairs.Length; i++)
            {
                var (variant, platform) = pairs[(i + round) % pairs.Length]; // rotate the order each round
                var row = rows[(variant.Key, platform)];
                var probe = await ProbeAsync(variant, platform, o.IntervalMs);
                if (probe is null)
                {
                    row.Failed++;
                    continue;
                }
                var p = probe;
                row.Compiled ??= p.Compiled;
                row.JitMethods.Add(p.JitMethods);
                row.JitMs.Add(p.JitMs);
                row.StartMs.Add(p.StartMs);
                var first = Range(p.Rtts, 0);
                var last = Range(p.Rtts, 150);
                row.First.AddRange(first);
                row.Last.AddRange(last);
                row.HoldFirst.AddRange(Range(p.Holds, 0));
                row.HoldLast.AddRange(Range(p.Holds, 150));
                row.ProcessRatios.Add(P(first, 0.99) / P(last, 0.99));
                Console.Error.WriteLine($"warmup round {round + 1}/{o.Rounds} {variant.Key} {platform}: p99 1-50 {P(first, 0.99):0} µs, 151-200 {P(last, 0.99):0} µs, JIT while measuring {p.JitMethods} methods {p.JitMs:0.0} ms");
            }
        }

        var sb = new StringBuilder();
        sb.AppendLine("# Warm-up vs JIT tiering: are the first measured pings as fast as the last? (issue 16)");
        sb.AppendLine();
        sb.AppendLine(Inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, kernel {Environment.OSVersion.VersionString}");
        sb.AppendLine(Inv, $"- command: `{commandLine}`");
        sb.AppendLine(Inv, $"- load average at start: {loadStart}; at end: {LoadAverage()}");
        sb.AppendLine();
        sb.Append("Each sample is a fresh process (`warmup-probe`: an in-process agent and one `BenchmarkRunner` run, as `rtcbench quickstart` ");
        sb.Append(Inv, $"runs them, so a JIT setting applies to the runner and to the agent's echo path) measuring 200 pings every {o.IntervalMs} ms ");
        sb.Append(Inv, $"on `udp` (lossy) or `direct` (reliable). {o.Rounds} rounds; each round runs every row once, in an order rotated from round to round. ");
        sb.AppendLine("RTTs of the same ping range are pooled across a row's processes (\"1–50\" = measured pings 1 to 50, after the warm-up).");
        sb.AppendLine();
        sb.AppendLine("Target: p99(1–50) / p99(151–200) ≤ 1.2. Hold = the agent's time with the ping (rtt − net_rtt), p50. JIT while measuring = methods the runtime compiled (all threads) from the first progress tick after the warm-up to the run's end, mean per process; 0 means the warm-up covered the JIT.");
        sb.AppendLine();
        sb.AppendLine("| setting | platform | warm-up pings | processes ok / failed | p99 1–50 µs | p99 151–200 µs | **ratio** | per-process ratio, median | p90 ratio | p50 1–50 / 151–200 µs | hold p50 1–50 / 151–200 µs | JIT while measuring: methods | JIT ms | start → first ping ms |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (variant, platform) in pairs)
        {
            var r = rows[(variant.Key, platform)];
            if (r.StartMs.Count == 0)
            {
                sb.AppendLine(Inv, $"| {variant.Name} | {platform} | {variant.WarmupPings(o.IntervalMs)} | 0 / {r.Failed} | | | | | | | | | | |");
                continue;
            }
            double p99f = P(r.First, 0.99), p99l = P(r.Last, 0.99);
            sb.AppendLine(Inv, $"| {variant.Name} | {platform} | {variant.WarmupPings(o.IntervalMs)} | {r.StartMs.Count} / {r.Failed} | {p99f:0} | {p99l:0} | **{p99f / p99l:0.00}** | {P(r.ProcessRatios, 0.5):0.00} | {P(r.First, 0.9) / P(r.Last, 0.9):0.00} | {P(r.First, 0.5):0} / {P(r.Last, 0.5):0} | {P(r.HoldFirst, 0.5):0} / {P(r.HoldLast, 0.5):0} | {r.JitMethods.Average():0} | {r.JitMs.Average():0.0} | {r.StartMs.Average():0} |");
        }
        sb.AppendLine();
        sb.AppendLine("A failed process is one that did not get a run done. What was compiled while measuring, in the first process of each row (up to 25 names, in order):");
        sb.AppendLine();
        foreach (var (variant, platform) in pairs)
        {
            if (rows[(variant.Key, platform)].Compiled is { Length: > 0 } names)
            {
                sb.AppendLine(Inv, $"- {variant.Key}, {platform}: {names}");
            }
        }
        sb.AppendLine();
        return sb.ToString();
    }

    private static List<double> Range(List<double> values, int from) => values.Skip(from).Take(50).Where(v => v >= 0).ToList();

    private sealed record Probe(List<double> Rtts, List<double> Holds, double StartMs, long JitMethods, double JitMs, string Compiled);

    /// <summary>Runs one cold probe process; the RTTs and holds (µs, −1 when not ok) of its measured pings in order.</summary>
    private static async Task<Probe?> ProbeAsync(Variant variant, string platform, double intervalMs)
    {
        string self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, FileName = self };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(WarmupBenchmark).Assembly.Location);
        }
        foreach (string a in new[] { "warmup-probe", platform, variant.WarmupPings(intervalMs).ToString(Inv), intervalMs.ToString(Inv) })
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
            Console.Error.WriteLine($"probe {variant.Key} {platform} failed (exit {process.ExitCode}): {firstError}");
            return null;
        }
        string holds = lines.First(l => l.StartsWith("holds ", StringComparison.Ordinal));
        string start = lines.First(l => l.StartsWith("start-ms ", StringComparison.Ordinal));
        string[] jit = lines.First(l => l.StartsWith("jit ", StringComparison.Ordinal)).Split(' ');
        string compiled = lines.FirstOrDefault(l => l.StartsWith("compiled ", StringComparison.Ordinal))?[9..] ?? "";
        return new Probe(Numbers(rtts[5..]), Numbers(holds[6..]), double.Parse(start[9..], Inv), long.Parse(jit[1], Inv), double.Parse(jit[2], Inv), compiled);
    }

    private static List<double> Numbers(string csv) => csv.Split(',').Select(s => double.Parse(s, Inv)).ToList();

    /// <summary>The probe process: <c>warmup-probe PLATFORM WARMUP_PINGS INTERVAL_MS</c>.</summary>
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
        var measured = report.Results.Single().Pings.Where(p => p.Status != "warmup").OrderBy(p => p.Seq).ToList();
        Console.Out.WriteLine("rtts " + string.Join(',', measured.Select(p => (p.Status == "ok" ? p.RttUs!.Value : -1).ToString("0.0", Inv))));
        Console.Out.WriteLine("holds " + string.Join(',', measured.Select(p => (p.Status == "ok" ? p.RttUs!.Value - p.NetRttUs!.Value : -1).ToString("0.0", Inv))));
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
    private sealed class JitNameListener : EventListener
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _measured = new();

        public volatile bool Measuring;

        public IEnumerable<string> Measured => _measured;

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x10);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (Measuring && e.EventName is "MethodLoadVerbose_V1" or "MethodLoadVerbose_V2")
            {
                int ns = e.PayloadNames!.IndexOf("MethodNamespace"), name = e.PayloadNames.IndexOf("MethodName");
                _measured.Enqueue($"{e.Payload![ns]}.{e.Payload[name]}");
            }
        }
    }

    private static double P(List<double> values, double q) => DirectBenchmark.PercentileOfUnsorted(values, q);

    private static string LoadAverage() => DirectBenchmark.LoadAverage();
}
