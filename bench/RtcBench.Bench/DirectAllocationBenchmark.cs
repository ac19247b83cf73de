using System.Diagnostics;
using System.Globalization;
using System.Text;
using RtcBench.Core.Timing;
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

        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## Allocations per ping, warmed path");
        sb.AppendLine();
        sb.AppendLine(inv, $"One session; {Math.Min(n, 2000)} warm-up pings per channel, then {n} pings at ~1 ms on one channel while the runner process's and the agent process's allocated-bytes counters are read before and after; minus an idle window of the same length (session open, no pings). Runner side = `DirectPingChannel.Send` → peer loop → SCTP → DTLS → socket, and back up to the sink; the bench's ping writer and sink are allocation-free. Agent side = socket → DTLS → SCTP → `DirectEchoPlatform` echo → back out.");
        sb.AppendLine();
        sb.AppendLine("| channel | pongs | runner B/ping (send + receive) | agent B/ping (echo) |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var r in rows)
        {
            sb.AppendLine(inv, $"| {r.Name} | {r.Received}/{n} | {r.Runner:0} | {r.Agent:0} |");
        }
        sb.AppendLine();
        sb.AppendLine("Target zero: **not met**. Where it comes from (read from the code, per ping each way): `SctpAssociation.Send` copies the message (`message.ToArray()`) into an `SctpOutboundMessage` and the sender wraps it in an in-flight chunk record; `TryPollTransmit` returns a new `byte[]` per SCTP packet (SACKs included); the receive side raises an `SctpMessageReceived` record with a fresh `byte[]` per message; BouncyCastle's DTLS record layer allocates per record it encrypts and decrypts (and its blocking receive hands out new arrays). No cheap, safe fix: each needs an API change in the SCTP core (pooled or caller-owned buffers, struct events) or leaving BouncyCastle for the record layer (the `AesGcm` route in STYLE.md); recorded as the figure to beat.");
        sb.AppendLine();
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
