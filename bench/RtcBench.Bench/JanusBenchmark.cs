using System.Globalization;
using System.Net;
using System.Text;
using RtcBench.Agent;
using RtcBench.Core.Measurement;
using RtcBench.Core.Timing;
using RtcBench.Janus.Tests.Support;
using RtcBench.Runner;

namespace RtcBench.Bench;

/// <summary>
/// The SFU's cost as a ratio measured side by side: <c>udp</c>, <c>direct</c> and the three janus paths (<c>sfu</c>,
/// <c>textroom</c>, <c>echo</c>) in one interleaved run, each a real <see cref="BenchmarkRunner"/> run (the CLI's
/// engine) against one in-process agent. Janus is the Debian <c>janus</c>, started as the tests start it
/// (<see cref="JanusServer"/>: generated configuration, its own network namespace, reached over a veth pair).
/// </summary>
internal static class JanusBenchmark
{
    private static readonly string[] Paths = ["udp", "direct", "janus-sfu", "janus-textroom", "janus-echo"];

    public static async Task<string> RunAsync(int rounds, int pings, double intervalMs, string commandLine)
    {
        var inv = CultureInfo.InvariantCulture;
        string loadStart = DirectBenchmark.LoadAverage();
        await using var janus = await JanusServer.StartAsync().ConfigureAwait(false);
        await using var agent = await AgentHost.StartAsync(new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Janus = new JanusAgentOptions
            {
                Url = janus.WebSocketUrl,
                AdminKey = janus.Secrets.VideoRoomAdminKey,
                TextRoomAdminKey = janus.Secrets.TextRoomAdminKey,
            },
        }).ConfigureAwait(false);
        var runner = new BenchmarkRunner(MonoTime.System);
        var config = new RunConfig { Count = pings, Warmup = 10, Interval = TimeSpan.FromMilliseconds(intervalMs), Deadline = TimeSpan.FromSeconds(1) };
        var rtts = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var nets = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        int lost = 0;
        // One warm-up run of each path, not counted: JIT, the first certificate, Janus's first room.
        foreach (string path in Paths)
        {
            await RunOneAsync(runner, agent.BaseUrl, config with { Count = 20 }, path, [], [], _ => { }).ConfigureAwait(false);
        }

        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < Paths.Length; k++)
            {
                string path = Paths[(round + k) % Paths.Length]; // the order rotates each round
                await RunOneAsync(runner, agent.BaseUrl, config, path, rtts, nets, n => lost += n).ConfigureAwait(false);
            }
            Console.Error.WriteLine($"janus round {round + 1}/{rounds}");
        }

        var sb = new StringBuilder();
        sb.AppendLine("# janus benchmark: udp, direct and the three Janus paths, one interleaved run");
        sb.AppendLine();
        sb.AppendLine(inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        sb.AppendLine(inv, $"- command: `{commandLine}`");
        sb.AppendLine(inv, $"- Janus {janus.Version} (Debian `janus`), child process in its own network namespace, API over WebSocket, reached over a veth pair ({janus.ClientAddress} ↔ {janus.ServerAddress}); the agent (udp and direct echoes, the Janus echo participant) and the runner both run in this process");
        sb.AppendLine(inv, $"- load average at start: {loadStart}, at the end: {DirectBenchmark.LoadAverage()} (a shared machine: other work shows here)");
        sb.AppendLine();
        sb.AppendLine(inv, $"{rounds} rounds after one warm-up run of each path (not counted); each round one `BenchmarkRunner` run per path, order rotating, {pings} pings every {intervalMs} ms after 10 warm-up, {config.PayloadBytes}-byte pings, a fresh room and connection per run. Lost or late pings in all runs: {lost}.");
        sb.AppendLine();
        sb.AppendLine("| path | what a ping crosses | n | p50 µs | p90 µs | p99 µs | p50 ÷ udp p50 | net RTT p50 µs |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        double udp50 = DirectBenchmark.P(Sorted(rtts, "udp/lossy"), 0.5);
        void Row(string key, string what)
        {
            var v = Sorted(rtts, key);
            var n = Sorted(nets, key);
            string net = n.Count == 0 ? "— (reflector: none)" : DirectBenchmark.P(n, 0.5).ToString("0.0", inv);
            sb.AppendLine(inv, $"| {key} | {what} | {v.Count} | {DirectBenchmark.P(v, 0.5):0.0} | {DirectBenchmark.P(v, 0.9):0.0} | {DirectBenchmark.P(v, 0.99):0.0} | {DirectBenchmark.P(v, 0.5) / udp50:0.00} | {net} |");
        }

        Row("udp/lossy", "UDP datagram to the agent's echo, loopback (the floor)");
        Row("direct/reliable", "WebRTC data channel runner ↔ agent, loopback");
        Row("direct/lossy", "the same, unordered maxRetransmits 0");
        Row("janus-echo/reliable", "runner → Janus EchoTest → runner (one server hop, veth)");
        Row("janus-echo/lossy", "the same, unordered maxRetransmits 0");
        Row("janus-sfu/reliable", "runner → Janus VideoRoom → echo → VideoRoom → runner (four WebRTC legs, veth)");
        Row("janus-textroom/reliable", "the same through the TextRoom's JSON messages");
        sb.AppendLine();
        double echo50 = DirectBenchmark.P(Sorted(rtts, "janus-echo/reliable"), 0.5);
        double sfu50 = DirectBenchmark.P(Sorted(rtts, "janus-sfu/reliable"), 0.5);
        double text50 = DirectBenchmark.P(Sorted(rtts, "janus-textroom/reliable"), 0.5);
        double direct50 = DirectBenchmark.P(Sorted(rtts, "direct/reliable"), 0.5);
        sb.AppendLine(inv, $"Ratios of p50 (reliable): janus-sfu ÷ janus-echo {sfu50 / echo50:0.00}, janus-textroom ÷ janus-sfu {text50 / sfu50:0.00}, janus-echo ÷ direct {echo50 / direct50:0.00}, janus-sfu ÷ direct {sfu50 / direct50:0.00}.");
        sb.AppendLine();
        sb.AppendLine("The echo path has no net RTT: Janus's EchoTest returns the ping itself, so there are no echo timestamps (the result says `path.echo: \"reflector\"`). Its RTT includes Janus's own handling both ways; the sfu and textroom net RTTs exclude only our echo's hold time, not Janus's.");
        return sb.ToString();
    }

    private static List<double> Sorted(Dictionary<string, List<double>> by, string key)
    {
        var v = by.TryGetValue(key, out var list) ? new List<double>(list) : [];
        v.Sort();
        return v;
    }

    private static async Task RunOneAsync(BenchmarkRunner runner, Uri agentUrl, RunConfig config, string path,
        Dictionary<string, List<double>> rtts, Dictionary<string, List<double>> nets, Action<int> lost)
    {
        string platform = path.StartsWith("janus-", StringComparison.Ordinal) ? "janus" : path;
        string? janusPath = platform == "janus" ? path["janus-".Length..] : null;
        var report = await runner.RunAsync(new BenchmarkOptions { AgentUrl = agentUrl, Platforms = [platform], JanusPath = janusPath, Config = config },
            CancellationToken.None, CancellationToken.None).ConfigureAwait(false);
        if (report.Failures.Count > 0)
        {
            throw new InvalidOperationException($"{path}: {report.Failures[0].Message}");
        }

        foreach (var run in report.Results)
        {
            string key = $"{path}/{run.Channel}";
            if (!rtts.TryGetValue(key, out var r))
            {
                rtts[key] = r = [];
                nets[key] = [];
            }

            int missing = 0;
            foreach (var ping in run.Pings)
            {
                if (ping.Status == "ok")
                {
                    r.Add(ping.RttUs!.Value);
                    if (ping.NetRttUs is { } net)
                    {
                        nets[key].Add(net);
                    }
                }
                else if (ping.Status is "lost" or "late" or "abandoned")
                {
                    missing++;
                }
            }

            lost(missing);
        }
    }
}
