using System.Globalization;
using RtcBench.Bench;

// dotnet run -c Release --project bench/RtcBench.Bench -- <benchmark> [options]: see Usage() below and bench/README.md.
string[] commands = ["udp-floor", "direct", "relay", "dashboard", "results-service", "fleet-scale", "runner-cpu", "janus"];
if (args.Length > 0 && args[0] == "agent-host")
{
    return await AgentChildProcess.RunChildAsync(); // the direct benchmark's agent process
}
if (args.Length > 0 && args[0] == "warmup-probe")
{
    return await RunnerCpuBenchmark.RunProbeAsync(args); // runner-cpu's cold process
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
    to.WriteLine("       RtcBench.Bench direct [--parts rtt,setup,alloc,sessions,sim] [--rounds 6] [--pings 200] [--interval-ms 10] [--setups 30] [--alloc-pings 5000] [--max-sessions 1000] [--window-s 10] [--out bench/results/direct.md]");
    to.WriteLine("       RtcBench.Bench relay [--parts rtt,alloc] [--rounds 6] [--pings 200] [--interval-ms 10] [--alloc-pings 5000] [--out bench/results/relay.md]");
    to.WriteLine("       RtcBench.Bench dashboard [--runs 10000] [--loads 10] [--chromium /usr/bin/chromium] [--out bench/results/dashboard.md] [--screenshot docs/dashboard.png]");
    to.WriteLine("       RtcBench.Bench runner-cpu [--parts timers,pacing,warmup] [--timer-samples 300] [--rounds 6] [--pings 500] [--interval-ms 10] [--warmup-reps 3] [--out bench/results/runner-cpu.md]");
    to.WriteLine("       RtcBench.Bench janus [--rounds 6] [--pings 200] [--interval-ms 10] [--out bench/results/janus.md]   (root: Janus runs in a network namespace)");
    to.WriteLine("       RtcBench.Bench results-service [--stores sqlite,postgres] [--postgres CONNSTRING] [--pings 1000000] [--queries 30] [--out bench/results/results-service.md]");
    to.WriteLine("       RtcBench.Bench fleet-scale [--postgres CONNSTRING] [--locations 100] [--interval-min 15] [--days 365] [--queries 20] [--ingest-runs 3000 (0: none)] [--keep yes] [--reuse DATABASE] [--out bench/results/fleet-scale.md]");
}

static async Task<int> RunnerCpuCommandAsync(string[] args)
{
    var o = new RunnerCpuOptions();
    string? output = null;
    var inv = CultureInfo.InvariantCulture;
    for (int i = 1; i + 1 < args.Length; i += 2)
    {
        string v = args[i + 1];
        switch (args[i])
        {
            case "--parts": o = o with { Parts = new HashSet<string>(v.Split(','), StringComparer.Ordinal) }; break;
            case "--rounds": o = o with { Rounds = int.Parse(v, inv) }; break;
            case "--pings": o = o with { Pings = int.Parse(v, inv) }; break;
            case "--interval-ms": o = o with { IntervalMs = double.Parse(v, inv) }; break;
            case "--warmup-reps": o = o with { WarmupReps = int.Parse(v, inv) }; break;
            case "--timer-samples": o = o with { TimerSamples = int.Parse(v, inv) }; break;
            case "--out": output = v; break;
            default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
        }
    }
    string command = "dotnet run -c Release --project bench/RtcBench.Bench -- " + string.Join(' ', args.TakeWhile(a => a != "--out"));
    string report = await RunnerCpuBenchmark.RunAsync(o, command);
    return await BenchReport.EmitAsync(report, output);
}

static async Task<int> UdpFloorAsync(string[] args)
{
    int rounds = 10, pings = 200;
    double intervalMs = 10;
    string? output = null;
    for (int i = 1; i + 1 < args.Length; i += 2)
    {
        switch (args[i])
        {
            case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            case "--pings": pings = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            case "--interval-ms": intervalMs = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            case "--out": output = args[i + 1]; break;
            default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
        }
    }
    string report = await UdpFloorBenchmark.RunAsync(rounds, pings, TimeSpan.FromMilliseconds(intervalMs));
    return await BenchReport.EmitAsync(report, output);
}

static async Task<int> JanusCommandAsync(string[] args)
{
    int rounds = 6, pings = 200;
    double intervalMs = 10;
    string? output = null;
    var inv = CultureInfo.InvariantCulture;
    for (int i = 1; i + 1 < args.Length; i += 2)
    {
        switch (args[i])
        {
            case "--rounds": rounds = int.Parse(args[i + 1], inv); break;
            case "--pings": pings = int.Parse(args[i + 1], inv); break;
            case "--interval-ms": intervalMs = double.Parse(args[i + 1], inv); break;
            case "--out": output = args[i + 1]; break;
            default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
        }
    }
    string command = "dotnet run -c Release --project bench/RtcBench.Bench -- " + string.Join(' ', args.TakeWhile(a => a != "--out"));
    string report = await JanusBenchmark.RunAsync(rounds, pings, intervalMs, command);
    return await BenchReport.EmitAsync(report, output);
}
