namespace RtcBench.Bench;

/// <summary>Parses <c>direct</c>'s options, runs <see cref="DirectBenchmark"/>, prints and optionally writes the report.</summary>
internal static class DirectCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (BenchArgs.Read(args, "--parts", "--rounds", "--pings", "--interval-ms", "--setups", "--alloc-pings", "--max-sessions", "--window-s", "--agent-socket", "--agent-engine", "--ldc-pair", "--baseline-build") is not { } a)
        {
            return 2;
        }

        var d = new DirectBenchOptions();
        string agentSocket = a.String("--agent-socket", d.AgentSocket);
        if (agentSocket is not ("shared" or "per-session" or "both"))
        {
            Console.Error.WriteLine($"--agent-socket: shared, per-session or both, not '{agentSocket}'");
            return 2;
        }

        string agentEngine = a.String("--agent-engine", d.AgentEngine);
        if (agentEngine is not ("peer" or "core" or "both"))
        {
            Console.Error.WriteLine($"--agent-engine: peer, core or both, not '{agentEngine}'");
            return 2;
        }

        string ldcPair = a.String("--ldc-pair", "no");
        if (ldcPair is not ("yes" or "no"))
        {
            Console.Error.WriteLine($"--ldc-pair: yes or no, not '{ldcPair}'");
            return 2;
        }

        if (ldcPair == "yes" && !LdcPair.Available(out string why))
        {
            Console.Error.WriteLine($"--ldc-pair: {why}");
            return 2;
        }

        string? baseline = a.String("--baseline-build");
        if (baseline is not null && !File.Exists(baseline))
        {
            Console.Error.WriteLine($"--baseline-build: no such file '{baseline}' (the RtcBench.Bench.dll of another build)");
            return 2;
        }

        var o = d with
        {
            BaselineBuild = baseline is null ? null : Path.GetFullPath(baseline),
            Parts = a.Parts("--parts") ?? d.Parts,
            Rounds = a.Int("--rounds", d.Rounds),
            Pings = a.Int("--pings", d.Pings),
            IntervalMs = a.Double("--interval-ms", d.IntervalMs),
            Setups = a.Int("--setups", d.Setups),
            AllocPings = a.Int("--alloc-pings", d.AllocPings),
            MaxSessions = a.Int("--max-sessions", d.MaxSessions),
            WindowSeconds = a.Int("--window-s", d.WindowSeconds),
            AgentSocket = agentSocket,
            AgentEngine = agentEngine,
            LdcPair = ldcPair == "yes",
        };
        string report = await DirectBenchmark.RunAsync(o, BenchArgs.CommandLine(args));
        return await BenchReport.EmitAsync(report, a.Output);
    }
}
