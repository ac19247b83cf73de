using System.Globalization;
using RtcBench.Bench;

// Usage: dotnet run -c Release --project bench/RtcBench.Bench -- udp-floor [--rounds 10] [--pings 200] [--interval 10ms] [--out FILE]
//        dotnet run -c Release --project bench/RtcBench.Bench -- results-service [--stores sqlite,postgres] [--postgres CONNSTRING] [--pings 1000000] [--queries 30] [--out FILE]
//        dotnet run -c Release --project bench/RtcBench.Bench -- direct [--parts rtt,setup,alloc,sessions,sim] [--rounds 6] [--pings 200] [--interval-ms 10] [--setups 30] [--alloc-pings 5000] [--max-sessions 1000] [--window-s 10] [--out FILE]
//        dotnet run -c Release --project bench/RtcBench.Bench -- relay [--parts rtt,alloc] [--rounds 6] [--pings 200] [--interval-ms 10] [--alloc-pings 5000] [--out FILE]
//        dotnet run -c Release --project bench/RtcBench.Bench -- dashboard [--runs 10000] [--loads 10] [--chromium /usr/bin/chromium] [--out FILE] [--screenshot PNG]
if (args.Length > 0 && args[0] == "dashboard")
{
    return await DashboardBenchmark.RunAsync(args);
}
if (args.Length > 0 && args[0] == "results-service")
{
    return await ResultsServiceCommand.RunAsync(args);
}
if (args.Length > 0 && args[0] == "agent-host")
{
    return await AgentChildProcess.RunChildAsync(); // the direct benchmark's agent process
}
if (args.Length > 0 && args[0] == "direct")
{
    return await DirectCommand.RunAsync(args);
}
if (args.Length > 0 && args[0] == "relay")
{
    return await RelayCommand.RunAsync(args);
}
if (args.Length == 0 || args[0] != "udp-floor")
{
    Console.Error.WriteLine("usage: RtcBench.Bench udp-floor [--rounds 10] [--pings 200] [--interval-ms 10] [--out bench/results/udp-floor.md]");
    Console.Error.WriteLine("       RtcBench.Bench direct [--parts rtt,setup,alloc,sessions,sim] [--rounds 6] [--pings 200] [--interval-ms 10] [--setups 30] [--alloc-pings 5000] [--max-sessions 1000] [--window-s 10] [--out bench/results/direct.md]");
    Console.Error.WriteLine("       RtcBench.Bench relay [--parts rtt,alloc] [--rounds 6] [--pings 200] [--interval-ms 10] [--alloc-pings 5000] [--out bench/results/relay.md]");
    Console.Error.WriteLine("       RtcBench.Bench dashboard [--runs 10000] [--loads 10] [--chromium /usr/bin/chromium] [--out bench/results/dashboard.md] [--screenshot docs/dashboard.png]");
    Console.Error.WriteLine("       RtcBench.Bench results-service [--stores sqlite,postgres] [--postgres CONNSTRING] [--pings 1000000] [--queries 30] [--out bench/results/results-service.md]");
    return 2;
}
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
Console.WriteLine(report);
if (output is not null)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    await File.WriteAllTextAsync(output, report);
    Console.Error.WriteLine($"wrote {Path.GetFullPath(output)}");
}
return 0;
