using System.Diagnostics;
using System.Globalization;
using System.Text;
using RtcBench.Core.Timing;
using RtcBench.Rtc.Sctp;
using RtcBench.Runner;

namespace RtcBench.Bench;

/// <summary>
/// Bytes allocated per ping on the warmed <c>direct</c> path, each side separately: the runner side is this process
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>; nothing else runs here during the window), the echo side is the
/// agent process (its own counter, read over stdin). An idle window of the same length with the session open is
/// subtracted, so timers, consent checks and heartbeats are not charged to pings.
/// </summary>
internal static class DirectAllocationBenchmark
{
    public static async Task RunAsync(DirectBenchOptions o, MonoTime clock, AgentChildProcess agent, AgentClient agentClient, StringBuilder sb)
    {
        int n = o.AllocPings;
        await using var session = await DirectSession.OpenAsync(agentClient, agent.BaseUrl, clock, n, CancellationToken.None).ConfigureAwait(false);
        foreach (var lane in new[] { session.Reliable, session.Lossy })
        {
            Pace(lane, Math.Min(n, 2000)); // warm: JIT, pools, SCTP windows
        }

        var rows = new List<(string Name, double Runner, double Agent, int Received)>();
        foreach (var lane in new[] { session.Reliable, session.Lossy })
        {
            var sw = Stopwatch.StartNew();
            var (pingRunner, pingAgent, received) = Measure(lane, n, agent);
            var elapsed = sw.Elapsed;
            // Idle window of the same length, session open, no pings.
            var idleStartRunner = GC.GetTotalAllocatedBytes(true);
            var idleStartAgent = agent.Stats().AllocatedBytes;
            Thread.Sleep(elapsed);
            long idleR = GC.GetTotalAllocatedBytes(true) - idleStartRunner;
            long idleA = agent.Stats().AllocatedBytes - idleStartAgent;
            rows.Add((lane.Channel.Channel, (pingRunner - idleR) / (double)n, (pingAgent - idleA) / (double)n, received));
            Console.Error.WriteLine($"alloc {lane.Channel.Channel}: runner {pingRunner} B, agent {pingAgent} B over {n} pings; idle runner {idleR} B, agent {idleA} B");
        }

        // A separate pass with the runtime's allocation sampling on, to name the types (not counted above).
        string runnerTypes, agentTypes;
        using (var sampler = new AllocationSampler())
        {
            Thread.Sleep(200); // the listener attaches to the runtime's event source
            sampler.Start();
            agent.StartSampling();
            Pace(session.Reliable, n);
            runnerTypes = sampler.Stop();
            agentTypes = agent.StopSampling();
        }

        double sctpReliable = SctpAllocation.BytesPerRoundTrip(n, SendOptions.Reliable) / 2;
        double sctpLossy = SctpAllocation.BytesPerRoundTrip(n, new SendOptions(false, 0)) / 2;

        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## Allocations per ping, warmed path");
        sb.AppendLine();
        sb.AppendLine(inv, $"One session; {Math.Min(n, 2000)} warm-up pings per channel, then {n} pings at ~1 ms on one channel while the runner process's and the agent process's allocated-bytes counters are read before and after; minus an idle window of the same length (session open, no pings). Runner side = `DirectPingChannel.Send` → the PeerConnection's RtcCore (SCTP → DTLS) → socket on the sending thread, and back up to the sink on the receive thread; the bench's ping writer and sink are allocation-free. Agent side = socket → DTLS → SCTP → `DirectEchoPlatform` echo → back out.");
        sb.AppendLine();
        sb.AppendLine("| channel | pongs | runner B/ping (send + receive) | agent B/ping (echo) |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var r in rows)
        {
            sb.AppendLine(inv, $"| {r.Name} | {r.Received}/{n} | {r.Runner:0} | {r.Agent:0} |");
        }
        sb.AppendLine();
        sb.AppendLine(inv, $"Of that, the SCTP core alone (two `SctpAssociation`s back to back on one thread, 128-byte ping and pong every 10 ms of fake time, {n} warmed round trips, `GC.GetAllocatedBytesForCurrentThread`): **{sctpReliable:0} B per side per ping** reliable, **{sctpLossy:0} B** unordered maxRetransmits 0 (each side sends one message and receives one).");
        sb.AppendLine();
        sb.AppendLine(inv, $"Sampled allocated types over another {n} pings on `reliable` (runtime AllocationTick events, one per ~100 KB; shares, not exact counts):");
        sb.AppendLine();
        sb.AppendLine("| side | type | sampled KB | share of the listed |");
        sb.AppendLine("|---|---|---|---|");
        TypeRows(sb, "runner", runnerTypes);
        TypeRows(sb, "agent", agentTypes);
        sb.AppendLine();
        double worst = rows.Count == 0 ? 0 : rows.Max(r => Math.Max(r.Runner, r.Agent));
        sb.AppendLine(inv, $"Target zero: {(worst < 16 ? "**met within noise**" : "**not met**")} (largest figure {worst:0} B/ping). The hot path itself is allocation-free and tested per layer with `GC.GetAllocatedBytesForCurrentThread`: the SCTP core (`SctpAllocationTests`, exactly 0 B over 5000 round trips) and the managed DTLS record layer (`DtlsManagedRecordLayerTests`, 0 B over 1000 records sent and decrypted). After the handshake, records are protected with .NET `AesGcm` into session-owned buffers (Dtls/README.md); BouncyCastle, its per-record arrays, `AeadParameters`, the second verification decrypt and the `BlockingCollection` token links are off the path. `RtcUdpSocket` sends through a cached `SocketAddress`. What remains in these process-wide counters are a few bytes per ping on average, i.e. occasional allocations by timers, the thread pool and the runtime, not one object per ping (one object would be ≥ 24 B/ping); the idle window is subtracted but is itself noisy.");
        sb.AppendLine();
    }

    private static void TypeRows(StringBuilder sb, string side, string types)
    {
        var pairs = types.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).Where(p => p.Length == 2)
            .Select(p => (Type: p[0], Bytes: long.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
        double sum = pairs.Sum(p => (double)p.Bytes);
        foreach (var (type, bytes) in pairs)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {side} | `{type}` | {bytes / 1024.0:0} | {bytes / sum:P0} |");
        }
    }

    private static (long Runner, long Agent, int Received) Measure(PingLane lane, int n, AgentChildProcess agent)
    {
        long r0 = GC.GetTotalAllocatedBytes(true);
        long a0 = agent.Stats().AllocatedBytes;
        int received = Pace(lane, n);
        long r1 = GC.GetTotalAllocatedBytes(true);
        long a1 = agent.Stats().AllocatedBytes;
        return (r1 - r0, a1 - a0, received);
    }

    /// <summary>Send <paramref name="n"/> pings about 1 ms apart, then wait (up to 2 s) for the pongs.</summary>
    private static int Pace(PingLane lane, int n)
    {
        lane.Reset();
        for (int i = 0; i < n; i++)
        {
            lane.Send(i);
            Thread.Sleep(1);
        }
        var deadline = Stopwatch.StartNew();
        while (lane.Received < n && deadline.Elapsed < TimeSpan.FromSeconds(2))
        {
            Thread.Sleep(5);
        }
        return lane.Received;
    }
}
