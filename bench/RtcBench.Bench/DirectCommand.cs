using System.Globalization;

namespace RtcBench.Bench;

/// <summary>Parses <c>direct</c>'s options, runs <see cref="DirectBenchmark"/>, prints and optionally writes the report.</summary>
internal static class DirectCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = new DirectBenchOptions();
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
                case "--setups": o = o with { Setups = int.Parse(v, inv) }; break;
                case "--alloc-pings": o = o with { AllocPings = int.Parse(v, inv) }; break;
                case "--max-sessions": o = o with { MaxSessions = int.Parse(v, inv) }; break;
                case "--window-s": o = o with { WindowSeconds = int.Parse(v, inv) }; break;
                case "--agent-socket" when v is "shared" or "per-session" or "both": o = o with { AgentSocket = v }; break;
                case "--out": output = v; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        var shown = args.TakeWhile(a => a != "--out").ToArray();
        string command = "dotnet run -c Release --project bench/RtcBench.Bench -- " + string.Join(' ', shown);
        string report = await DirectBenchmark.RunAsync(o, command);
        return await BenchReport.EmitAsync(report, output);
    }
}
