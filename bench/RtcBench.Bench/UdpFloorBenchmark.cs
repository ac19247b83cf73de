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
    public static async Task<string> RunAsync(int rounds, int pingsPerRound, TimeSpan interval)
    {
        await using var agent = await AgentHost.StartAsync(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        using var raw = new RawUdpEcho();
        var clock = MonoTime.System;
        var runner = new BenchmarkRunner(clock);
        var config = new RunConfig { Count = pingsPerRound, Warmup = 5, Interval = interval, Deadline = TimeSpan.FromSeconds(1) };
        int datagramBytes = config.PayloadBytes + UdpFrame.HeaderLength;
        var rtcbench = new List<double>();
        var rtcbenchNet = new List<double>();
        var rawRtts = new List<double>();
        var rawTwoThreads = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            // Alternate which goes first so neither always runs on a warmer machine.
            if (round % 2 == 0)
            {
                await MeasureRtcBenchAsync(runner, agent.BaseUrl, config, rtcbench, rtcbenchNet);
                MeasureRawTwoThreads(raw.Endpoint, pingsPerRound, interval, datagramBytes, clock, rawTwoThreads);
                MeasureRaw(raw.Endpoint, pingsPerRound, interval, datagramBytes, clock, rawRtts);
            }
            else
            {
                MeasureRaw(raw.Endpoint, pingsPerRound, interval, datagramBytes, clock, rawRtts);
                MeasureRawTwoThreads(raw.Endpoint, pingsPerRound, interval, datagramBytes, clock, rawTwoThreads);
                await MeasureRtcBenchAsync(runner, agent.BaseUrl, config, rtcbench, rtcbenchNet);
            }
            Console.Error.WriteLine($"round {round + 1}/{rounds}: rtcbench n={rtcbench.Count}, raw n={rawRtts.Count}");
        }
        return Report(rounds, pingsPerRound, interval, datagramBytes, rtcbench, rtcbenchNet, rawRtts, rawTwoThreads);
    }

    private static async Task MeasureRtcBenchAsync(BenchmarkRunner runner, Uri agentUrl, RunConfig config, List<double> into, List<double> net)
    {
        var report = await runner.RunAsync(new BenchmarkOptions { AgentUrl = agentUrl, Platforms = ["udp"], Config = config }, CancellationToken.None, CancellationToken.None);
        foreach (var ping in report.Results.Single().Pings)
        {
            if (ping.Status == "ok")
            {
                into.Add(ping.RttUs!.Value);
                net.Add(ping.NetRttUs!.Value);
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

    private static string Report(int rounds, int pings, TimeSpan interval, int datagramBytes, List<double> rtcbench, List<double> rtcbenchNet, List<double> raw, List<double> rawTwo)
    {
        rtcbench.Sort();
        rtcbenchNet.Sort();
        rawTwo.Sort();
        raw.Sort();
        double P(List<double> v, double q) => Percentile.Linear(v.ToArray(), q);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# udp platform vs raw UDP echo (loopback)");
        sb.AppendLine();
        sb.AppendLine(inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        sb.AppendLine(inv, $"- command: `dotnet run -c Release --project bench/RtcBench.Bench -- udp-floor --rounds {rounds} --pings {pings} --interval-ms {interval.TotalMilliseconds}`");
        sb.AppendLine(inv, $"- {rounds} interleaved rounds × {pings} pings every {interval.TotalMilliseconds} ms; datagrams of {datagramBytes} bytes both ways for both");
        sb.AppendLine();
        sb.AppendLine("| path | n | p50 µs | p90 µs | p99 µs |");
        sb.AppendLine("|---|---|---|---|---|");
        sb.AppendLine(inv, $"| rtcbench udp platform | {rtcbench.Count} | {P(rtcbench, 0.5):0.0} | {P(rtcbench, 0.9):0.0} | {P(rtcbench, 0.99):0.0} |");
        sb.AppendLine(inv, $"| rtcbench udp platform, net RTT (echo processing removed) | {rtcbenchNet.Count} | {P(rtcbenchNet, 0.5):0.0} | {P(rtcbenchNet, 0.9):0.0} | {P(rtcbenchNet, 0.99):0.0} |");
        sb.AppendLine(inv, $"| raw UDP echo | {raw.Count} | {P(raw, 0.5):0.0} | {P(raw, 0.9):0.0} | {P(raw, 0.99):0.0} |");
        sb.AppendLine(inv, $"| raw UDP echo, send and receive on two threads | {rawTwo.Count} | {P(rawTwo, 0.5):0.0} | {P(rawTwo, 0.9):0.0} | {P(rawTwo, 0.99):0.0} |");
        sb.AppendLine();
        sb.AppendLine(inv, $"**p50 ratio (rtcbench / raw): {P(rtcbench, 0.5) / P(raw, 0.5):0.00}**; p99 ratio: {P(rtcbench, 0.99) / P(raw, 0.99):0.00}");
        return sb.ToString();
    }
}
