namespace RtcBench.Bench;

/// <summary>Parses <c>relay</c>'s options, runs <see cref="RelayBenchmark"/>, prints and optionally writes the report.</summary>
internal static class RelayCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (BenchArgs.Read(args, "--parts", "--rounds", "--pings", "--interval-ms", "--alloc-pings") is not { } a)
        {
            return 2;
        }

        var d = new RelayBenchOptions();
        var o = d with
        {
            Parts = a.Parts("--parts") ?? d.Parts,
            Rounds = a.Int("--rounds", d.Rounds),
            Pings = a.Int("--pings", d.Pings),
            IntervalMs = a.Double("--interval-ms", d.IntervalMs),
            AllocPings = a.Int("--alloc-pings", d.AllocPings),
        };
        string report = await RelayBenchmark.RunAsync(o, BenchArgs.CommandLine(args));
        return await BenchReport.EmitAsync(report, a.Output);
    }
}
