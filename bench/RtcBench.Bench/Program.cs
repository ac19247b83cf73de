using RtcBench.Bench;

// dotnet run -c Release --project bench/RtcBench.Bench -- <benchmark> [options]: see Usage() below and bench/README.md.
string[] commands = ["udp-floor", "core-echo", "direct", "relay", "dashboard", "results-service", "fleet-scale", "runner-cpu", "janus", "warmup"];
if (args.Length > 0 && args[0] == "agent-host")
{
    return await AgentChildProcess.RunChildAsync(args); // the direct benchmark's agent process
}
if (args.Length > 0 && args[0] == "core-echo-probe")
{
    return CoreEchoBenchmark.RunProbe(args); // the core-echo benchmark's process per sample
}
if (args.Length > 0 && args[0] == "warmup-probe")
{
    return await WarmupBenchmark.RunProbeAsync(args); // the warmup benchmark's cold process
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Usage(Console.Out);
    return 0;
}
if (args.Length == 0 || !commands.Contains(args[0]))
{
    Console.Error.WriteLine(args.Length == 0 ? "RtcBench.Bench: name a benchmark" : $"RtcBench.Bench: unknown benchmark '{args[0]}'");
    Usage(Console.Error);
    return 2;
}
if (args.Length % 2 == 0)
{
    // Every option takes a value: a lone one would otherwise be ignored and the benchmark run with its defaults.
    Console.Error.WriteLine($"RtcBench.Bench: option {args[^1]} needs a value");
    return 2;
}
try
{
    switch (args[0])
    {
        case "dashboard": return await DashboardBenchmark.RunAsync(args);
        case "results-service": return await ResultsServiceCommand.RunAsync(args);
        case "fleet-scale": return await FleetScaleBenchmark.RunAsync(args);
        case "direct": return await DirectCommand.RunAsync(args);
        case "relay": return await RelayCommand.RunAsync(args);
        case "runner-cpu": return await RunnerCpuCommandAsync(args);
        case "janus": return await JanusCommandAsync(args);
        case "warmup": return await WarmupBenchmark.CommandAsync(args);
        case "core-echo": return await CoreEchoAsync(args);
        default: return await UdpFloorAsync(args);
    }
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"RtcBench.Bench: {ex.Message} (options take numbers where the usage shows one)");
    return 2;
}

static void Usage(TextWriter to)
{
    to.WriteLine("usage: RtcBench.Bench udp-floor [--rounds 10] [--pings 200] [--interval-ms 10] [--out bench/results/udp-floor.md]");
    to.WriteLine("       RtcBench.Bench core-echo [--rounds 6] [--trips 20000] [--out FILE]");
    to.WriteLine("       RtcBench.Bench direct [--parts rtt,setup,alloc,sessions,cpu,sim] [--rounds 6] [--pings 200] [--interval-ms 10] [--setups 30] [--alloc-pings 5000] [--max-sessions 1000] [--window-s 10] [--agent-socket shared|per-session|both] [--agent-engine peer|core|both] [--baseline-build OTHER/RtcBench.Bench.dll (cpu and rtt parts)] [--out bench/results/direct.md]");
    to.WriteLine("       RtcBench.Bench relay [--parts rtt,alloc] [--rounds 6] [--pings 200] [--interval-ms 10] [--alloc-pings 5000] [--out bench/results/relay.md]");
    to.WriteLine("       RtcBench.Bench dashboard [--runs 10000] [--loads 10] [--chromium /usr/bin/chromium] [--out bench/results/dashboard.md] [--screenshot docs/dashboard.png]");
    to.WriteLine("       RtcBench.Bench runner-cpu [--parts timers,pacing] [--timer-samples 300] [--pacers legacy,spin-only,spin-only-rxthread,two-stage (also two-stage-rank2,sliced-250,spin-only-rt,spin-only-rt-held)] [--rounds 6] [--pings 500] [--interval-ms 10] [--oversleeps-to DIR] [--out bench/results/runner-cpu.md]");
    to.WriteLine("       RtcBench.Bench warmup [--rounds 5] [--interval-ms 10] [--variants no-tier-10,tiered,tiered-nopgo,tiered-3s,no-tier-1s,r2r-off] [--platforms udp,direct] [--out bench/results/warmup.md]");
    to.WriteLine("       RtcBench.Bench janus [--rounds 6] [--pings 200] [--interval-ms 10] [--out bench/results/janus.md]   (root: Janus runs in a network namespace)");
    to.WriteLine("       RtcBench.Bench results-service [--stores sqlite,postgres] [--postgres CONNSTRING] [--pings 1000000] [--queries 30] [--out bench/results/results-service.md]");
    to.WriteLine("       RtcBench.Bench fleet-scale [--postgres CONNSTRING] [--locations 100] [--interval-min 15] [--days 365] [--queries 20] [--ingest-runs 3000 (0: none)] [--keep yes] [--reuse DATABASE] [--out bench/results/fleet-scale.md]");
}

static async Task<int> RunnerCpuCommandAsync(string[] args)
{
    if (BenchArgs.Read(args, "--parts", "--rounds", "--pings", "--interval-ms", "--timer-samples", "--pacers", "--oversleeps-to") is not { } a)
    {
        return 2;
    }

    var d = new RunnerCpuOptions();
    var o = d with
    {
        Parts = a.Parts("--parts") ?? d.Parts,
        Rounds = a.Int("--rounds", d.Rounds),
        Pings = a.Int("--pings", d.Pings),
        IntervalMs = a.Double("--interval-ms", d.IntervalMs),
        TimerSamples = a.Int("--timer-samples", d.TimerSamples),
        Pacers = a.Parts("--pacers") ?? d.Pacers,
        OversleepsTo = a.String("--oversleeps-to"),
    };
    string report = await RunnerCpuBenchmark.RunAsync(o, BenchArgs.CommandLine(args));
    return await BenchReport.EmitAsync(report, a.Output);
}

static async Task<int> CoreEchoAsync(string[] args)
{
    if (BenchArgs.Read(args, "--rounds", "--trips") is not { } a)
    {
        return 2;
    }

    string report = await CoreEchoBenchmark.RunAsync(a.Int("--rounds", 6), a.Int("--trips", 20000));
    return await BenchReport.EmitAsync(report, a.Output);
}

static async Task<int> UdpFloorAsync(string[] args)
{
    if (BenchArgs.Read(args, "--rounds", "--pings", "--interval-ms") is not { } a)
    {
        return 2;
    }

    string report = await UdpFloorBenchmark.RunAsync(a.Int("--rounds", 10), a.Int("--pings", 200), TimeSpan.FromMilliseconds(a.Double("--interval-ms", 10)));
    return await BenchReport.EmitAsync(report, a.Output);
}

static async Task<int> JanusCommandAsync(string[] args)
{
    if (BenchArgs.Read(args, "--rounds", "--pings", "--interval-ms") is not { } a)
    {
        return 2;
    }

    string report = await JanusBenchmark.RunAsync(a.Int("--rounds", 6), a.Int("--pings", 200), a.Double("--interval-ms", 10), BenchArgs.CommandLine(args));
    return await BenchReport.EmitAsync(report, a.Output);
}
