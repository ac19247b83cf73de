using System.Globalization;
using System.Text;
using RtcBench.Core.Measurement;
using RtcBench.Core.Statistics;
using RtcBench.Core.Timing;
using RtcBench.Runner;

namespace RtcBench.Bench;

/// <summary>What <c>direct</c> measures; every part is optional (<c>--parts</c>).</summary>
internal sealed record DirectBenchOptions
{
    public int Rounds { get; init; } = 6;
    public int Pings { get; init; } = 200;
    public double IntervalMs { get; init; } = 10;
    public int Setups { get; init; } = 30;
    public int AllocPings { get; init; } = 5000;
    public int MaxSessions { get; init; } = 1000;
    public int WindowSeconds { get; init; } = 10;

    /// <summary>The agent's <c>--direct-socket</c>; <c>both</c>: the sessions part compares the two, level by level.</summary>
    public string AgentSocket { get; init; } = "shared";

    /// <summary>
    /// The agent's <c>--direct-engine</c>: <c>peer</c> or <c>core</c> for every part; <c>both</c>: the rtt part runs a
    /// second agent process on <c>core</c> and interleaves its direct runs with the others (the other parts use peer).
    /// </summary>
    public string AgentEngine { get; init; } = "peer";

    /// <summary>The rtt part also runs a libdatachannel pair (bench/node/ldc-pair.mjs) in each round.</summary>
    public bool LdcPair { get; init; }

    /// <summary>
    /// The cpu part's second agent: this RtcBench.Bench.dll of another build (e.g. main's) instead of this build with
    /// <c>DOTNET_EnableAES=0</c>, so a change is measured against its baseline in the same run. The rtt part then also
    /// runs a second agent from that build and interleaves its udp and direct runs with this build's, round by round.
    /// </summary>
    public string? BaselineBuild { get; init; }
    public IReadOnlySet<string> Parts { get; init; } = new HashSet<string>(["rtt", "setup", "alloc", "idle", "sessions", "sim"], StringComparer.Ordinal);
}

/// <summary>
/// The <c>direct</c> platform's speed claims (issue 3): RTT against the udp floor in the same run, connection set-up
/// time, allocations per ping on the warmed path, concurrent sessions in one agent process, and the simulator's speed.
/// The agent runs in a child process (<see cref="AgentChildProcess"/>); the runner side runs here. Loopback only.
/// </summary>
internal static class DirectBenchmark
{
    public static async Task<string> RunAsync(DirectBenchOptions o, string commandLine)
    {
        var clock = MonoTime.System;
        using var agent = AgentChildProcess.Start(o.AgentSocket == "per-session" ? "per-session" : "shared", o.AgentEngine == "core" ? "core" : "peer");
        using var coreAgent = o.AgentEngine == "both" && o.Parts.Contains("rtt") ? AgentChildProcess.Start("shared", "core") : null;
        using var agentClient = new AgentClient(agent.BaseUrl, apiKey: null);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("# direct platform benchmarks (loopback)");
        sb.AppendLine();
        sb.AppendLine(inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        sb.AppendLine(inv, $"- command: `{commandLine}`");
        sb.AppendLine(inv, $"- the echo agent runs in a child process (`--direct-socket {(o.AgentSocket == "both" ? "shared`; the sessions part compares `shared` and `per-session`" : o.AgentSocket + "`")}); the runner side (and the raw UDP echo) in the benchmark process");
        sb.AppendLine(inv, $"- the agent's `--direct-engine`: {(o.AgentEngine == "both" ? "`peer`, and a second agent process on `core` whose direct runs the rtt part interleaves with the others" : "`" + o.AgentEngine + "`")}");
        sb.AppendLine(inv, $"- load average at start: {LoadAverage()} (other work on the machine shows here; figures under load are noisier)");
        sb.AppendLine();
        if (o.Parts.Contains("rtt"))
        {
            await RttAgainstUdpFloorAsync(o, clock, agent.BaseUrl, coreAgent?.BaseUrl, sb).ConfigureAwait(false);
        }
        if (o.Parts.Contains("setup"))
        {
            await SetupTimesAsync(o, clock, agentClient, agent.BaseUrl, sb).ConfigureAwait(false);
        }
        if (o.Parts.Contains("alloc"))
        {
            await DirectAllocationBenchmark.RunAsync(o, clock, agent, agentClient, sb).ConfigureAwait(false);
        }
        if (o.Parts.Contains("idle"))
        {
            await DirectSessionsBenchmark.IdleAsync(o, clock, agent, agentClient, sb).ConfigureAwait(false);
        }
        if (o.Parts.Contains("sessions") && o.AgentSocket == "both")
        {
            await DirectSessionsBenchmark.CompareSocketModesAsync(o, clock, sb).ConfigureAwait(false);
        }
        else if (o.Parts.Contains("sessions"))
        {
            await DirectSessionsBenchmark.RunAsync(o, clock, agent, agentClient, sb).ConfigureAwait(false);
        }
        if (o.Parts.Contains("cpu"))
        {
            await DirectSessionsBenchmark.CpuPerPingAsync(o, clock, sb).ConfigureAwait(false);
        }

        if (o.Parts.Contains("sim"))
        {
            SimulationSpeed.Run(sb);
        }
        sb.AppendLine(inv, $"Load average at the end: {LoadAverage()}.");
        return sb.ToString();
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    internal static double P(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : Percentile.Linear(sorted.ToArray(), q);

    /// <summary>The <paramref name="q"/> percentile of values in any order (a sorted copy; the list is left as is).</summary>
    internal static double PercentileOfUnsorted(List<double> values, double q)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted.Length == 0 ? double.NaN : Percentile.Linear(sorted, q);
    }

    private static async Task RttAgainstUdpFloorAsync(DirectBenchOptions o, MonoTime clock, Uri agentUrl, Uri? coreAgentUrl, StringBuilder sb)
    {
        var runner = new BenchmarkRunner(clock);
        var config = new RunConfig { Count = o.Pings, Warmup = 10, Interval = TimeSpan.FromMilliseconds(o.IntervalMs), Deadline = TimeSpan.FromSeconds(1) };
        using var raw = new RawUdpEcho();
        var udp = new List<double>();
        var reliable = new List<double>();
        var lossy = new List<double>();
        var rawRtts = new List<double>();
        var coreReliable = new List<double>();
        var coreLossy = new List<double>();
        var ldcReliable = new List<double>();
        var ldcLossy = new List<double>();
        var baseUdp = new List<double>();
        var baseReliable = new List<double>();
        var baseLossy = new List<double>();
        using var baseline = o.BaselineBuild is null ? null
            : AgentChildProcess.Start(o.AgentSocket == "per-session" ? "per-session" : "shared", o.AgentEngine == "core" ? "core" : "peer", assembly: o.BaselineBuild);
        int lost = 0;
        var steps = new List<Func<Task>>
        {
            async () => lost += await RunPlatformAsync(runner, agentUrl, config, "udp", _ => udp).ConfigureAwait(false),
            async () => lost += await RunPlatformAsync(runner, agentUrl, config, "direct", c => c == "reliable" ? reliable : lossy).ConfigureAwait(false),
            () =>
            {
                UdpFloorBenchmark.MeasureRaw(raw.Endpoint, o.Pings, config.Interval, config.PayloadBytes + Platforms.Udp.UdpFrame.HeaderLength, clock, rawRtts);
                return Task.CompletedTask;
            },
        };
        if (coreAgentUrl is not null)
        {
            steps.Add(async () => lost += await RunPlatformAsync(runner, coreAgentUrl, config, "direct", c => c == "reliable" ? coreReliable : coreLossy).ConfigureAwait(false));
        }

        if (o.LdcPair)
        {
            steps.Add(() => LdcPair.RunAsync(o.Pings, o.IntervalMs, ldcReliable, ldcLossy));
        }

        if (baseline is not null)
        {
            steps.Add(async () => lost += await RunPlatformAsync(runner, baseline.BaseUrl, config, "udp", _ => baseUdp).ConfigureAwait(false));
            steps.Add(async () => lost += await RunPlatformAsync(runner, baseline.BaseUrl, config, "direct", c => c == "reliable" ? baseReliable : baseLossy).ConfigureAwait(false));
        }

        for (int round = 0; round < o.Rounds; round++)
        {
            // Rotate the order so no path always runs first (on a cooler or a warmer machine).
            for (int k = 0; k < steps.Count; k++)
            {
                await steps[(round + k) % steps.Count]().ConfigureAwait(false);
            }

            Console.Error.WriteLine($"rtt round {round + 1}/{o.Rounds}: udp n={udp.Count} direct n={reliable.Count}+{lossy.Count} raw n={rawRtts.Count}");
        }
        foreach (var l in new[] { udp, reliable, lossy, rawRtts, coreReliable, coreLossy, ldcReliable, ldcLossy, baseUdp, baseReliable, baseLossy })
        {
            l.Sort();
        }
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## RTT: direct vs the udp floor, same run, interleaved");
        sb.AppendLine();
        sb.AppendLine(inv, $"{o.Rounds} rounds; each round one `rtcbench` run (`BenchmarkRunner`, the CLI's engine) of `udp`, one of `direct` (both channels on one connection, measured one after the other, a fresh connection per round){(coreAgentUrl is null ? "" : ", one of `direct` against the core-engine agent")}{(o.LdcPair ? ", one libdatachannel pair (bench/node/ldc-pair.mjs: two node-datachannel peers in one node process, both channels)" : "")} and the raw UDP echo, {o.Pings} pings every {o.IntervalMs} ms after 10 warm-up, {config.PayloadBytes}-byte pings; order rotates each round. Lost or late pings in all runs: {lost}.");
        sb.AppendLine();
        sb.AppendLine("| path | n | p50 µs | p90 µs | p99 µs | p50 ÷ udp p50 | p99 ÷ udp p99 | agent hold p50 µs (rtt − net_rtt) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        double HoldP50(List<double> v)
        {
            if (!Holds.TryGetValue(v, out var h))
            {
                return double.NaN;
            }
            h.Sort();
            return P(h, 0.5);
        }
        void Row(string name, List<double> v) =>
            sb.AppendLine(inv, $"| {name} | {v.Count} | {P(v, 0.5):0.0} | {P(v, 0.9):0.0} | {P(v, 0.99):0.0} | {P(v, 0.5) / P(udp, 0.5):0.00} | {P(v, 0.99) / P(udp, 0.99):0.00} | {(double.IsNaN(HoldP50(v)) ? "–" : HoldP50(v).ToString("0.0", inv))} |");
        Row("direct, reliable (ordered)", reliable);
        Row("direct, lossy (unordered, maxRetransmits 0)", lossy);
        if (coreAgentUrl is not null)
        {
            Row("direct on `--direct-engine core`, reliable", coreReliable);
            Row("direct on `--direct-engine core`, lossy", coreLossy);
        }

        if (o.LdcPair)
        {
            Row("libdatachannel pair (node-datachannel), reliable", ldcReliable);
            Row("libdatachannel pair (node-datachannel), lossy", ldcLossy);
        }

        Row("udp platform (the floor)", udp);
        Row("raw UDP echo (one thread)", rawRtts);
        sb.AppendLine();
        sb.AppendLine(inv, $"**direct / udp p50 ratio: reliable {P(reliable, 0.5) / P(udp, 0.5):0.00}, lossy {P(lossy, 0.5) / P(udp, 0.5):0.00}** (+{P(reliable, 0.5) - P(udp, 0.5):0} µs, +{P(lossy, 0.5) - P(udp, 0.5):0} µs).");
        sb.AppendLine();
        sb.AppendLine(inv, $"Agent hold p50 (rtt − net_rtt: the echo's t3 − t2, receive to send on the agent's clock): direct reliable {HoldP50(reliable):0.0} µs, lossy {HoldP50(lossy):0.0} µs, udp {HoldP50(udp):0.0} µs (direct ÷ udp: {HoldP50(reliable) / HoldP50(udp):0.0}, {HoldP50(lossy) / HoldP50(udp):0.0}).");
        sb.AppendLine();
        if (coreAgentUrl is not null)
        {
            sb.AppendLine(inv, $"**On the core engine (a second agent process, same run): direct / udp p50 reliable {P(coreReliable, 0.5) / P(udp, 0.5):0.00}, lossy {P(coreLossy, 0.5) / P(udp, 0.5):0.00}; core ÷ peer p50 reliable {P(coreReliable, 0.5) / P(reliable, 0.5):0.00}, lossy {P(coreLossy, 0.5) / P(lossy, 0.5):0.00}; agent hold p50 reliable {HoldP50(coreReliable):0.0} µs, lossy {HoldP50(coreLossy):0.0} µs.**");
            sb.AppendLine();
        }

        if (baseline is not null)
        {
            sb.AppendLine(inv, $"**Baseline build (`--baseline-build`: a second agent process, its udp and direct runs interleaved with this build's): agent hold p50 direct reliable {HoldP50(baseReliable):0.0} µs, lossy {HoldP50(baseLossy):0.0} µs, udp {HoldP50(baseUdp):0.0} µs (direct ÷ udp: {HoldP50(baseReliable) / HoldP50(baseUdp):0.00}, {HoldP50(baseLossy) / HoldP50(baseUdp):0.00}); this build's direct hold ÷ the baseline's: reliable {HoldP50(reliable) / HoldP50(baseReliable):0.00}, lossy {HoldP50(lossy) / HoldP50(baseLossy):0.00}; udp hold {HoldP50(udp) / HoldP50(baseUdp):0.00}.**");
            sb.AppendLine();
        }

        if (o.LdcPair)
        {
            var ourReliable = coreAgentUrl is null ? reliable : coreReliable;
            var ourLossy = coreAgentUrl is null ? lossy : coreLossy;
            sb.AppendLine(inv, $"**Against a libdatachannel pair at the same pacing, same run: direct{(coreAgentUrl is null ? "" : " on the core engine")} p50 ÷ the pair's p50 reliable {P(ourReliable, 0.5) / P(ldcReliable, 0.5):0.00}, lossy {P(ourLossy, 0.5) / P(ldcLossy, 0.5):0.00}.** The pair measures in one node process, echo and sender sharing its event loop (the library's callbacks reach JavaScript through it); ours crosses two processes.");
            sb.AppendLine();
        }
    }

    /// <summary>The agent's hold (rtt − net_rtt, µs) of each ok ping, keyed by the path's RTT list.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<List<double>, List<double>> Holds = [];

    private static async Task<int> RunPlatformAsync(BenchmarkRunner runner, Uri agentUrl, RunConfig config, string platform, Func<string, List<double>> byChannel)
    {
        var report = await runner.RunAsync(new BenchmarkOptions { AgentUrl = agentUrl, Platforms = [platform], Config = config }, CancellationToken.None, CancellationToken.None).ConfigureAwait(false);
        if (report.Failures.Count > 0)
        {
            throw new InvalidOperationException($"{platform}: {report.Failures[0].Message}");
        }
        int lost = 0;
        foreach (var run in report.Results)
        {
            foreach (var ping in run.Pings)
            {
                if (ping.Status == "ok")
                {
                    byChannel(run.Channel).Add(ping.RttUs!.Value);
                    if (ping.NetRttUs is { } net)
                    {
                        Holds.GetOrAdd(byChannel(run.Channel), _ => []).Add(ping.RttUs!.Value - net);
                    }
                }
                else if (ping.Status != "warmup")
                {
                    lost++;
                }
            }
        }
        return lost;
    }

    private static async Task SetupTimesAsync(DirectBenchOptions o, MonoTime clock, AgentClient agentClient, Uri agentUrl, StringBuilder sb)
    {
        var keys = new[] { "ice_ms", "dtls_ms", "sctp_ms", "channel_open_ms" };
        var byKey = keys.ToDictionary(k => k, _ => new List<double>(), StringComparer.Ordinal);
        var total = new List<double>();
        for (int i = 0; i < o.Setups + 3; i++)
        {
            await using var session = await DirectSession.OpenAsync(agentClient, agentUrl, clock, 1, CancellationToken.None).ConfigureAwait(false);
            if (i < 3)
            {
                continue; // warm-up: JIT, first certificate, first HTTP connection
            }
            total.Add(session.OpenMs);
            foreach (var k in keys)
            {
                byKey[k].Add(session.Detail(k));
            }
        }
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## Connection set-up");
        sb.AppendLine();
        sb.AppendLine(inv, $"{o.Setups} sequential set-ups after 3 warm-up ones, each a fresh room and peer connection. The phase figures are the runner's `PeerTimings` as recorded in a run's `path.details`: cumulative from the moment the runner applied the answer (signalling done) to ICE selected, DTLS connected, SCTP established and the `reliable` channel acknowledged. \"/connect → both channels open\" is the whole join as the runner waits for it (HTTP /connect and the offer POST included).");
        sb.AppendLine();
        sb.AppendLine("| milestone | p50 ms | p90 ms | max ms |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var (k, v) in byKey.Select(kv => (kv.Key, kv.Value)).Append(("/connect → both channels open", total)))
        {
            v.Sort();
            sb.AppendLine(inv, $"| {k} | {P(v, 0.5):0.00} | {P(v, 0.9):0.00} | {v[^1]:0.00} |");
        }
        sb.AppendLine();
    }
}
