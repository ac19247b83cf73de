using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using RtcBench.Testing;

namespace RtcBench.Bench;

/// <summary>What <c>relay</c> measures.</summary>
internal sealed record RelayBenchOptions
{
    public int Rounds { get; init; } = 6;
    public int Pings { get; init; } = 200;
    public double IntervalMs { get; init; } = 10;
    public int AllocPings { get; init; } = 5000;
    public IReadOnlySet<string> Parts { get; init; } = new HashSet<string>(["rtt", "alloc"], StringComparer.Ordinal);
}

/// <summary>
/// The TURN relay candidate's cost on our own stack: RTT of a relay-only pair through a real coturn against a host pair,
/// interleaved, and bytes allocated per ping on each warmed path. Everything on loopback: the two peer connections in
/// this process (<see cref="RelayEchoPair"/>), coturn in a child process (<see cref="CoturnProcess"/>).
/// </summary>
internal static class RelayBenchmark
{
    private const int Warmup = 10;

    public static async Task<string> RunAsync(RelayBenchOptions o, string commandLine)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string loadStart = DirectBenchmark.LoadAverage();
        var machineStart = MachineCpu.Read();
        var ownStart = Process.GetCurrentProcess().TotalProcessorTime;
        using var coturn = await CoturnProcess.StartAsync(IPAddress.Loopback);
        sb.AppendLine("# relay benchmarks: host vs TURN relay (coturn), loopback");
        sb.AppendLine();
        sb.AppendLine(inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        sb.AppendLine(inv, $"- command: `{commandLine}`");
        sb.AppendLine(inv, $"- coturn: {coturn.Version} (`/usr/bin/turnserver`, child process), UDP on {coturn.Endpoint}, relay ports {coturn.MinRelayPort}–{coturn.MaxRelayPort} on 127.0.0.1, long-term credentials");
        sb.AppendLine("- both peer connections run in the benchmark process; coturn shares the same cores");
        sb.AppendLine(inv, $"- load average at start: {loadStart} (other work on the machine shows here and in the CPU line at the end; figures under load are noisier)");
        sb.AppendLine();
        if (o.Parts.Contains("rtt"))
        {
            await RttAsync(o, coturn, sb).ConfigureAwait(false);
        }
        if (o.Parts.Contains("alloc"))
        {
            await AllocationsAsync(o, coturn, sb).ConfigureAwait(false);
        }
        var machine = MachineCpu.Read() - machineStart;
        double own = (Process.GetCurrentProcess().TotalProcessorTime - ownStart).TotalSeconds;
        double turn = coturn.TotalProcessorSeconds();
        double others = Math.Max(0, machine.BusySeconds - own - turn);
        sb.AppendLine(inv, $"Load average at the end: {DirectBenchmark.LoadAverage()}. CPU over the {machine.WallSeconds:0} s run (from /proc/stat): machine busy {machine.BusySeconds:0.0} core-s of {machine.WallSeconds * Environment.ProcessorCount:0} available; this process {own:0.0} core-s, coturn {turn:0.0} core-s, **everything else {others:0.0} core-s (≈ {others / machine.WallSeconds:0.00} cores on average)**: that is the other work sharing the machine with the benchmark.");
        return sb.ToString();
    }

    private static async Task RttAsync(RelayBenchOptions o, CoturnProcess coturn, StringBuilder sb)
    {
        var interval = TimeSpan.FromMilliseconds(o.IntervalMs);
        int total = Warmup + o.Pings;
        var host = new List<double>();
        var relay = new List<double>();
        var hostConnect = new List<double>();
        var relayConnect = new List<double>();
        int lostHost = 0, lostRelay = 0;
        string? relayPairExample = null, hostPairExample = null;
        foreach (var kind in new[] { null, coturn })
        {
            // Warm-up, not counted: JIT, the first certificate, coturn's first allocation.
            await using var pair = await RelayEchoPair.OpenAsync(kind, total).ConfigureAwait(false);
            pair.Pace(total, interval, TimeSpan.FromSeconds(1));
        }
        for (int round = 0; round < o.Rounds; round++)
        {
            // Alternate which goes first so neither always runs on a warmer (or cooler) machine.
            for (int k = 0; k < 2; k++)
            {
                bool isRelay = (round + k) % 2 == 1;
                await using var pair = await RelayEchoPair.OpenAsync(isRelay ? coturn : null, total).ConfigureAwait(false);
                var selected = pair.Offerer.SelectedPair ?? throw new InvalidOperationException("connected without a selected pair");
                string expected = isRelay ? "relay" : "host";
                if (selected.LocalType != expected)
                {
                    throw new InvalidOperationException($"{expected} pair selected {selected} (SelectedPair.LocalType is not {expected})");
                }
                if (isRelay && !pair.Answerer.SelectedPair!.Remote.Equals(selected.Local))
                {
                    throw new InvalidOperationException($"the answerer's pair {pair.Answerer.SelectedPair} does not face the relayed address {selected.Local}");
                }
                if (isRelay)
                {
                    relayPairExample ??= selected.ToString();
                }
                else
                {
                    hostPairExample ??= selected.ToString();
                }
                (isRelay ? relayConnect : hostConnect).Add(pair.ConnectMs);
                pair.Pace(total, interval, TimeSpan.FromSeconds(1));
                if (isRelay && !pair.ChannelBound)
                {
                    throw new InvalidOperationException("the relay pair's TURN channel is not bound after the pings");
                }
                var into = isRelay ? relay : host;
                int before = into.Count;
                pair.CopyRtts(Warmup, total, into);
                int lost = o.Pings - (into.Count - before);
                if (isRelay)
                {
                    lostRelay += lost;
                }
                else
                {
                    lostHost += lost;
                }
            }
            Console.Error.WriteLine($"rtt round {round + 1}/{o.Rounds}: host n={host.Count} relay n={relay.Count}");
        }
        host.Sort();
        relay.Sort();
        hostConnect.Sort();
        relayConnect.Sort();

        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## RTT: relay pair vs host pair, same run, interleaved");
        sb.AppendLine();
        sb.AppendLine(inv, $"{o.Rounds} rounds after one warm-up pair of each kind (not counted); each round a fresh host pair and a fresh relay pair (order alternates), each {Warmup} warm-up pings then {o.Pings} pings of {RelayEchoPair.PayloadBytes} bytes every {o.IntervalMs} ms, open-loop (a fixed schedule kept with `Thread.Sleep`, no spinning), on one reliable ordered channel (`reliable`) echoed by an ICE-lite answerer. Host pair: offerer with no ICE servers, host candidate on 127.0.0.1. Relay pair: offerer with `IceTransportPolicy.Relay` and coturn as its only ICE server, so every datagram goes offerer → coturn → answerer → coturn → offerer (ChannelData on the offerer's side once the channel is bound; plain UDP between coturn's relay port and the answerer). RTT = the stack's receive timestamp of the pong (socket time of the datagram that completed it, as `DataChannel.OnMessage` gives it) minus the `Stopwatch` time just before `DataChannel.Send`. Lost or late (> 1 s after the last ping) pings: host {lostHost}, relay {lostRelay}.");
        sb.AppendLine();
        sb.AppendLine(inv, $"Selected pairs checked every round: the relay pair's `SelectedPair.LocalType == \"relay\"` in {relayConnect.Count}/{relayConnect.Count} rounds (e.g. `{relayPairExample}`; the answerer's pair faces the relayed address, and the TURN channel was bound), the host pair's `LocalType == \"host\"` in {hostConnect.Count}/{hostConnect.Count} (e.g. `{hostPairExample}`).");
        sb.AppendLine();
        sb.AppendLine("| path | n | p50 µs | p90 µs | p99 µs | max µs |");
        sb.AppendLine("|---|---|---|---|---|---|");
        void Row(string name, List<double> v) =>
            sb.AppendLine(inv, $"| {name} | {v.Count} | {DirectBenchmark.P(v, 0.5):0.0} | {DirectBenchmark.P(v, 0.9):0.0} | {DirectBenchmark.P(v, 0.99):0.0} | {(v.Count == 0 ? double.NaN : v[^1]):0.0} |");
        Row("host pair", host);
        Row("relay pair (through coturn)", relay);
        double Diff(double q) => DirectBenchmark.P(relay, q) - DirectBenchmark.P(host, q);
        sb.AppendLine(inv, $"| **relay − host** | | **{Diff(0.5):+0.0;-0.0}** | **{Diff(0.9):+0.0;-0.0}** | **{Diff(0.99):+0.0;-0.0}** | {(relay.Count == 0 || host.Count == 0 ? double.NaN : relay[^1] - host[^1]):+0.0;-0.0} |");
        sb.AppendLine();
        sb.AppendLine(inv, $"relay / host p50: {DirectBenchmark.P(relay, 0.5) / DirectBenchmark.P(host, 0.5):0.00}.");
        sb.AppendLine();
        sb.AppendLine("Set-up, from creating the offerer to the channel acknowledged (for the relay pair the TURN allocation, i.e. gathering, comes first: the offer is made after it):");
        sb.AppendLine();
        sb.AppendLine("| pair | n | p50 ms | max ms |");
        sb.AppendLine("|---|---|---|---|");
        sb.AppendLine(inv, $"| host | {hostConnect.Count} | {DirectBenchmark.P(hostConnect, 0.5):0.0} | {hostConnect[^1]:0.0} |");
        sb.AppendLine(inv, $"| relay | {relayConnect.Count} | {DirectBenchmark.P(relayConnect, 0.5):0.0} | {relayConnect[^1]:0.0} |");
        sb.AppendLine();
    }

    private static async Task AllocationsAsync(RelayBenchOptions o, CoturnProcess coturn, StringBuilder sb)
    {
        int n = o.AllocPings;
        int warm = Math.Min(n, 2000);
        var rows = new List<(string Name, double PerPing, long Ping, long Idle, int Received, string Types)>();
        double nextTimeoutBytesPerRead = double.NaN;
        foreach (bool isRelay in new[] { false, true })
        {
            string name = isRelay ? "relay" : "host";
            await using var pair = await RelayEchoPair.OpenAsync(isRelay ? coturn : null, Math.Max(n, warm)).ConfigureAwait(false);
            pair.Pace(warm, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2)); // warm: JIT, pools, SCTP windows, the TURN channel
            if (isRelay && (!pair.ChannelBound || pair.Offerer.SelectedPair?.LocalType != "relay"))
            {
                throw new InvalidOperationException("relay pair: not on a bound TURN channel after the warm-up");
            }

            var sw = Stopwatch.StartNew();
            long p0 = GC.GetTotalAllocatedBytes(true);
            int received = pair.Pace(n, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
            long ping = GC.GetTotalAllocatedBytes(true) - p0;
            var elapsed = sw.Elapsed;
            // Idle window of the same length, pair open, no pings (consent checks, SCTP heartbeats, TURN refreshes).
            long i0 = GC.GetTotalAllocatedBytes(true);
            Thread.Sleep(elapsed);
            long idle = GC.GetTotalAllocatedBytes(true) - i0;
            Console.Error.WriteLine($"alloc {name}: {ping} B over {n} pings ({received} pongs) in {elapsed.TotalSeconds:0.0} s; idle {idle} B");

            // A separate pass with the runtime's allocation sampling on, to name the types (not counted above).
            string types;
            using (var sampler = new AllocationSampler())
            {
                Thread.Sleep(200); // the listener attaches to the runtime's event source
                sampler.Start();
                pair.Pace(n, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
                types = sampler.Stop();
            }
            rows.Add((name, (ping - idle) / (double)n, ping, idle, received, types));
            if (pair.Offerer.Turn is { } turn)
            {
                // The deadline the offerer's core asks the TURN client for after every input it handles: read here,
                // pair idle (no refresh or transaction due in this short run, so nothing mutates the client meanwhile).
                long sink = 0;
                long t0 = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 1000; i++)
                {
                    sink ^= turn.NextTimeoutNs;
                }
                nextTimeoutBytesPerRead = (GC.GetAllocatedBytesForCurrentThread() - t0) / 1000.0;
                GC.KeepAlive(sink);
            }
        }

        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## Allocations per ping, warmed path: host vs relay");
        sb.AppendLine();
        sb.AppendLine(inv, $"One pair at a time; {warm} warm-up pings, then {n} pings at ~1 ms (send, `Thread.Sleep(1)`) while this process's allocated-bytes counter (`GC.GetTotalAllocatedBytes(true)`) is read before and after; minus an idle window of the same length (pair open, no pings). Both peer connections are in this process, so a figure is one ping's whole round trip: offerer send (channel → the connection's RtcCore: SCTP → DTLS → socket on the sending thread, for the relay through the core's ChannelData writer), answerer receive + echo + send on its receive thread, offerer receive (socket → ChannelData unwrap → DTLS → SCTP → `OnMessage` on its receive thread). The bench's ping writer and pong handler are allocation-free. coturn's own memory is another process and not counted.");
        sb.AppendLine();
        sb.AppendLine("| pair | pongs | allocated during pings B | idle window B | **B/ping** (pings − idle) / n |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in rows)
        {
            sb.AppendLine(inv, $"| {r.Name} | {r.Received}/{n} | {r.Ping} | {r.Idle} | **{r.PerPing:0.0}** |");
        }
        sb.AppendLine();
        sb.AppendLine(inv, $"Sampled allocated types over another {n} pings per pair (runtime AllocationTick events, one per ~100 KB; shares, not exact counts; nothing listed means under ~100 KB was allocated in the pass):");
        sb.AppendLine();
        sb.AppendLine("| pair | type | sampled KB | share of the listed |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var r in rows)
        {
            TypeRows(sb, r.Name, r.Types);
        }
        sb.AppendLine();
        sb.AppendLine(inv, $"Probe: one read of the relay offerer's `TurnClient.NextTimeoutNs` allocates **{nextTimeoutBytesPerRead:0.0} B** (`GC.GetAllocatedBytesForCurrentThread` around 1000 reads on the bench thread, pair idle). The offerer's core reads it when it computes its next deadline, after every input it handles (`RtcCore.NextTimeoutNs`); the host pair has no TURN client and never reads it.");
        sb.AppendLine();
        foreach (var r in rows)
        {
            bool zero = r.PerPing < 16; // one object per ping would be >= 24 B/ping
            sb.Append(inv, $"- {r.Name}: {r.PerPing:0.0} B/ping, target ~0 {(zero ? "**met within noise**" : "**not met**")}");
            if (!zero && nextTimeoutBytesPerRead > 0)
            {
                sb.Append(inv, $"; that is {r.PerPing / nextTimeoutBytesPerRead:0.0} reads' worth of `NextTimeoutNs` per ping ({r.PerPing / nextTimeoutBytesPerRead / 2:0.0} inputs per ping at 2 reads each)");
            }
            sb.AppendLine(".");
        }
        sb.AppendLine();
    }

    private static void TypeRows(StringBuilder sb, string side, string types)
    {
        var pairs = types.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).Where(p => p.Length == 2)
            .Select(p => (Type: p[0], Bytes: long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
        if (pairs.Count == 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {side} | (no sample) | 0 | |");
            return;
        }
        double sum = pairs.Sum(p => (double)p.Bytes);
        foreach (var (type, bytes) in pairs)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {side} | `{type}` | {bytes / 1024.0:0} | {bytes / sum:P0} |");
        }
    }
}

/// <summary>Whole-machine CPU time from the first line of /proc/stat (USER_HZ ticks, 100 per second on Linux).</summary>
internal readonly record struct MachineCpu(double BusySeconds, double WallSeconds)
{
    private const double TicksPerSecond = 100;

    public static MachineCpu Read()
    {
        double wall = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        if (!File.Exists("/proc/stat"))
        {
            return new MachineCpu(double.NaN, wall);
        }
        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        long busy = fields.Take(8).Sum() - fields[3] - fields[4];
        return new MachineCpu(busy / TicksPerSecond, wall);
    }

    public static MachineCpu operator -(MachineCpu end, MachineCpu start) =>
        new(end.BusySeconds - start.BusySeconds, end.WallSeconds - start.WallSeconds);
}
