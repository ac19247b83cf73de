using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RtcBench.Agent;
using RtcBench.Core.Measurement;
using RtcBench.Core.Statistics;
using RtcBench.Core.Timing;
using RtcBench.Platforms.Udp;
using RtcBench.Runner;

namespace RtcBench.Bench;

/// <summary>
/// Compares the udp platform's RTT (the full rtcbench path: runner channel, agent echo server, JSON ping codec)
/// with a minimal raw UDP echo, on the same machine, interleaved round by round in the same process run.
/// </summary>
internal static class UdpFloorBenchmark
{
    /// <summary>The paths measured each round, in the order of the report.</summary>
    private static readonly string[] PathNames =
    [
        "rtcbench udp platform (driver thread receives; the default)",
        "rtcbench udp platform, receive thread (the previous shape)",
        "raw UDP echo (one thread)",
        "raw UDP echo, send and receive on two threads",
        "rtcbench udp platform, agent in a child process (driver thread receives)",
        "rtcbench udp platform, agent in a child process, receive thread",
        "raw UDP echo (one thread), echo in the agent's child process",
    ];

    public static async Task<string> RunAsync(int rounds, int pingsPerRound, TimeSpan interval)
    {
        string loadAtStart = DirectBenchmark.LoadAverage();
        await using var agent = await AgentHost.StartAsync(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        using var child = AgentChildProcess.Start("shared", "core");
        IPEndPoint childRaw = child.RawEcho();
        using var raw = new RawUdpEcho();
        var clock = MonoTime.System;
        var runner = new BenchmarkRunner(clock);
        var twoThreadRunner = new BenchmarkRunner(clock) { ReceiveOnSendingThread = false };
        var config = new RunConfig { Count = pingsPerRound, Warmup = 5, Interval = interval, Deadline = TimeSpan.FromSeconds(1) };
        int datagramBytes = config.PayloadBytes + UdpFrame.HeaderLength;
        var rtts = PathNames.Select(_ => new List<double>()).ToArray();
        var holds = PathNames.Select(_ => new List<double>()).ToArray();
        var paths = new Func<Task>[]
        {
            () => MeasureRtcBenchAsync(runner, agent.BaseUrl, config, rtts[0], holds[0]),
            () => MeasureRtcBenchAsync(twoThreadRunner, agent.BaseUrl, config, rtts[1], holds[1]),
            () => Sync(() => MeasureRaw(raw.Endpoint, pingsPerRound, interval, datagramBytes, clock, rtts[2])),
            () => Sync(() => MeasureRawTwoThreads(raw.Endpoint, pingsPerRound, interval, datagramBytes, clock, rtts[3])),
            () => MeasureRtcBenchAsync(runner, child.BaseUrl, config, rtts[4], holds[4]),
            () => MeasureRtcBenchAsync(twoThreadRunner, child.BaseUrl, config, rtts[5], holds[5]),
            () => Sync(() => MeasureRaw(childRaw, pingsPerRound, interval, datagramBytes, clock, rtts[6])),
        };
        for (int round = 0; round < rounds; round++)
        {
            // Rotate which goes first so no path always runs on a warmer (or busier) machine.
            for (int k = 0; k < paths.Length; k++)
            {
                await paths[(round + k) % paths.Length]();
            }
            Console.Error.WriteLine($"round {round + 1}/{rounds}: n={string.Join(",", rtts.Select(r => r.Count))}");
        }
        return Report(rounds, pingsPerRound, interval, datagramBytes, loadAtStart, rtts, holds);
    }

    private static Task Sync(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    private static async Task MeasureRtcBenchAsync(BenchmarkRunner runner, Uri agentUrl, RunConfig config, List<double> into, List<double> hold)
    {
        var report = await runner.RunAsync(new BenchmarkOptions { AgentUrl = agentUrl, Platforms = ["udp"], Config = config }, CancellationToken.None, CancellationToken.None);
        foreach (var ping in report.Results.Single().Pings)
        {
            if (ping.Status == "ok")
            {
                into.Add(ping.RttUs!.Value);
                hold.Add(ping.RttUs!.Value - ping.NetRttUs!.Value);
            }
        }
    }

    internal static void MeasureRaw(IPEndPoint echo, int count, TimeSpan interval, int datagramBytes, MonoTime clock, List<double> into)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(echo);
        socket.ReceiveTimeout = 1000;
        var send = new byte[datagramBytes];
        var receive = new byte[65536];
        for (int i = 0; i < count + 5; i++)
        {
            BitConverter.TryWriteBytes(send, i);
            long t1 = clock.NowNs();
            socket.Send(send);
            try
            {
                socket.Receive(receive);
            }
            catch (SocketException)
            {
                continue; // lost (never on loopback in practice)
            }
            long t4 = clock.NowNs();
            if (i >= 5)
            {
                into.Add((t4 - t1) / 1000.0);
            }
            Thread.Sleep(interval);
        }
    }

    /// <summary>
    /// The raw echo again, but shaped like an open-loop runner: one thread sends, another blocks in Receive and
    /// timestamps. Separates the cost of that two-thread shape from the cost of rtcbench's own code.
    /// </summary>
    private static void MeasureRawTwoThreads(IPEndPoint echo, int count, TimeSpan interval, int datagramBytes, MonoTime clock, List<double> into)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(echo);
        var sentAt = new long[count + 5];
        var rtts = new double[count + 5];
        var receiver = new Thread(() =>
        {
            var receive = new byte[65536];
            for (int got = 0; got < count + 5; got++)
            {
                int n;
                try
                {
                    n = socket.Receive(receive);
                }
                catch (SocketException)
                {
                    return;
                }
                long t4 = clock.NowNs();
                int seq = BitConverter.ToInt32(receive, 0);
                if (n >= 4 && seq >= 0 && seq < rtts.Length)
                {
                    rtts[seq] = (t4 - Volatile.Read(ref sentAt[seq])) / 1000.0;
                }
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        receiver.Start();
        var send = new byte[datagramBytes];
        for (int i = 0; i < count + 5; i++)
        {
            BitConverter.TryWriteBytes(send, i);
            Volatile.Write(ref sentAt[i], clock.NowNs());
            socket.Send(send);
            Thread.Sleep(interval);
        }
        receiver.Join(TimeSpan.FromSeconds(2));
        for (int i = 5; i < rtts.Length; i++)
        {
            if (rtts[i] > 0)
            {
                into.Add(rtts[i]);
            }
        }
    }

    private static string Report(int rounds, int pings, TimeSpan interval, int datagramBytes, string loadAtStart, List<double>[] rtts, List<double>[] holds)
    {
        foreach (var l in rtts.Concat(holds))
        {
            l.Sort();
        }
        static double P(List<double> v, double q) => v.Count == 0 ? double.NaN : Percentile.Linear(v.ToArray(), q);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# udp platform vs raw UDP echo (loopback)");
        sb.AppendLine();
        sb.AppendLine(inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        sb.AppendLine(inv, $"- command: `dotnet run -c Release --project bench/RtcBench.Bench -- udp-floor --rounds {rounds} --pings {pings} --interval-ms {interval.TotalMilliseconds}`");
        sb.AppendLine(inv, $"- load average at start: {loadAtStart}; at the end: {DirectBenchmark.LoadAverage()}");
        sb.AppendLine(inv, $"- {rounds} interleaved rounds (order rotating) × {pings} pings every {interval.TotalMilliseconds} ms per path; datagrams of {datagramBytes} bytes both ways for all. The in-process agent and raw echo run in the benchmark process; the child agent is `agent-host` (as in the direct benchmark), and its raw echo a thread in that same child process. rtcbench rows: `BenchmarkRunner` (the CLI's engine) with the default pacer.");
        sb.AppendLine();
        sb.AppendLine("| path | n | p50 µs | p90 µs | p99 µs | agent hold p50 µs (rtt − net_rtt) |");
        sb.AppendLine("|---|---|---|---|---|---|");
        for (int i = 0; i < PathNames.Length; i++)
        {
            string hold = holds[i].Count == 0 ? "–" : P(holds[i], 0.5).ToString("0.0", inv);
            sb.AppendLine(inv, $"| {PathNames[i]} | {rtts[i].Count} | {P(rtts[i], 0.5):0.0} | {P(rtts[i], 0.9):0.0} | {P(rtts[i], 0.99):0.0} | {hold} |");
        }
        sb.AppendLine();
        double Ratio(int a, int b, double q) => P(rtts[a], q) / P(rtts[b], q);
        sb.AppendLine(inv, $"**p50 ratio, udp platform ÷ raw one-thread echo, both in one process: {Ratio(0, 2, 0.5):0.00}** (receive thread: {Ratio(1, 2, 0.5):0.00}); p99: {Ratio(0, 2, 0.99):0.00} ({Ratio(1, 2, 0.99):0.00})");
        sb.AppendLine();
        sb.AppendLine(inv, $"**p50 ratio, udp platform ÷ raw one-thread echo, both echoes in the child process: {Ratio(4, 6, 0.5):0.00}** (receive thread: {Ratio(5, 6, 0.5):0.00}); p99: {Ratio(4, 6, 0.99):0.00} ({Ratio(5, 6, 0.99):0.00}). Child-process udp platform ÷ in-process raw echo (the direct benchmark's comparison): {Ratio(4, 2, 0.5):0.00} ({Ratio(5, 2, 0.5):0.00}).");
        return sb.ToString();
    }
}
