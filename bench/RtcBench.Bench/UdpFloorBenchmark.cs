using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RtcBench.Agent;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Statistics;
using RtcBench.Core.Timing;
using RtcBench.Platforms.Udp;
using RtcBench.Platforms;
using RtcBench.Runner;
using RtcBench.Runner.Pacing;

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
        "rtcbench udp platform (this branch)",
        "rtcbench udp platform, before (main's code paths)",
        "raw UDP echo (one thread)",
        "raw one-thread client → the agent's udp echo",
        "raw one-thread client → the agent's udp echo, before (general JSON reader)",
        "rtcbench udp platform, agent in a child process (this branch)",
        "rtcbench udp platform, agent in a child process, before (main's code paths)",
        "raw UDP echo (one thread), echo in the agent's child process",
        "raw one-thread client → the child agent's udp echo",
        "rtcbench udp platform, this branch but main's spin step (reading the socket and PAUSEs)",
        "rtcbench udp platform, this branch with the driver's thread at real-time priority from each answer to the next send (not the default)",
    ];

    private const int Udp = 0, UdpBefore = 1, Raw = 2, RawToAgent = 3, RawToAgentBefore = 4, ChildUdp = 5, ChildUdpBefore = 6, ChildRaw = 7, RawToChildAgent = 8, PauseSpin = 9, RealTime = 10;

    public static async Task<string> RunAsync(int rounds, int pingsPerRound, TimeSpan interval)
    {
        string loadAtStart = DirectBenchmark.LoadAverage();
        await using var agent = await AgentHost.StartAsync(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        using var child = AgentChildProcess.Start("shared", "core");
        using var childBefore = AgentChildProcess.Start("shared", "core", new Dictionary<string, string> { [AgentChildProcess.GeneralReaderVariable] = "1" });
        IPEndPoint childRaw = child.RawEcho();
        using var raw = new RawUdpEcho();
        var agentRoom = await UdpRoom.OpenAsync(agent.BaseUrl);
        var childRoom = await UdpRoom.OpenAsync(child.BaseUrl);
        var clock = MonoTime.System;
        var runner = new BenchmarkRunner(clock);
        var beforeCalibration = PacingCalibration.SpinOnly();
        var beforeRunner = new BenchmarkRunner(clock)
        {
            StampAfterEncoding = false,
            PacerFactory = (stop, abort, receiver) => PausingPacer(clock, beforeCalibration, receiver, stop, abort),
        };
        var pauseCalibration = PacingCalibration.SpinOnly();
        var pauseSpinRunner = new BenchmarkRunner(clock) { PacerFactory = (stop, abort, receiver) => PausingPacer(clock, pauseCalibration, receiver, stop, abort) };
        var realTimeRunner = new BenchmarkRunner(clock) { RealTimePacing = true };
        var config = new RunConfig { Count = pingsPerRound, Warmup = 5, Interval = interval, Deadline = TimeSpan.FromSeconds(1) };
        int datagramBytes = config.PayloadBytes + UdpFrame.HeaderLength;
        var rtts = PathNames.Select(_ => new List<double>()).ToArray();
        var holds = PathNames.Select(_ => new List<double>()).ToArray();
        SendDelays.Clear();
        var roundP50 = PathNames.Select(_ => new List<double>()).ToArray();
        var paths = new Func<Task>[]
        {
            () => MeasureRtcBenchAsync(runner, agent.BaseUrl, config, rtts[Udp], holds[Udp]),
            () => BeforeAsync(() => MeasureRtcBenchAsync(beforeRunner, agent.BaseUrl, config, rtts[UdpBefore], holds[UdpBefore])),
            () => Sync(() => MeasureRaw(raw.Endpoint, pingsPerRound, interval, datagramBytes, clock, rtts[Raw])),
            () => Sync(() => MeasureRawToAgent(agentRoom, pingsPerRound, interval, config.PayloadBytes, clock, rtts[RawToAgent], holds[RawToAgent])),
            () => BeforeAsync(() => Sync(() => MeasureRawToAgent(agentRoom, pingsPerRound, interval, config.PayloadBytes, clock, rtts[RawToAgentBefore], holds[RawToAgentBefore]))),
            () => MeasureRtcBenchAsync(runner, child.BaseUrl, config, rtts[ChildUdp], holds[ChildUdp]),
            () => BeforeAsync(() => MeasureRtcBenchAsync(beforeRunner, childBefore.BaseUrl, config, rtts[ChildUdpBefore], holds[ChildUdpBefore])),
            () => Sync(() => MeasureRaw(childRaw, pingsPerRound, interval, datagramBytes, clock, rtts[ChildRaw])),
            () => Sync(() => MeasureRawToAgent(childRoom, pingsPerRound, interval, config.PayloadBytes, clock, rtts[RawToChildAgent], holds[RawToChildAgent])),
            () => MeasureRtcBenchAsync(pauseSpinRunner, agent.BaseUrl, config, rtts[PauseSpin], holds[PauseSpin]),
            () => MeasureRtcBenchAsync(realTimeRunner, agent.BaseUrl, config, rtts[RealTime], holds[RealTime]),
        };
        for (int round = 0; round < rounds; round++)
        {
            int[] before = rtts.Select(r => r.Count).ToArray();
            // Rotate which goes first so no path always runs on a warmer (or busier) machine.
            for (int k = 0; k < paths.Length; k++)
            {
                await paths[(round + k) % paths.Length]();
            }
            for (int i = 0; i < paths.Length; i++)
            {
                var mine = rtts[i].Skip(before[i]).ToArray();
                Array.Sort(mine);
                roundP50[i].Add(mine.Length == 0 ? double.NaN : Percentile.Linear(mine, 0.5));
            }
            Console.Error.WriteLine($"round {round + 1}/{rounds}: n={string.Join(",", rtts.Select(r => r.Count))}");
        }
        return Report(rounds, pingsPerRound, interval, datagramBytes, loadAtStart, rtts, holds, roundP50);
    }

    /// <summary>A udp room on an agent, opened through its HTTP API as a runner would, for the raw client.</summary>
    private sealed record UdpRoom(IPEndPoint Echo, Guid Room, byte[] Token)
    {
        public static async Task<UdpRoom> OpenAsync(Uri agentUrl)
        {
            using var client = new AgentClient(agentUrl, apiKey: null);
            var connection = await client.ConnectAsync(["udp"], TimeSpan.FromHours(2), TimeSpan.FromHours(2), CancellationToken.None);
            var udp = connection.Platforms["udp"];
            return new UdpRoom(
                new IPEndPoint(IPAddress.Loopback, udp.GetProperty("port").GetInt32()),
                Guid.ParseExact(connection.RoomId, "N"),
                Convert.FromHexString(udp.GetProperty("token").GetString()!));
        }
    }

    /// <summary>The default pacer with main's spin step (a socket read and PAUSEs), its calibration kept from run to run
    /// as the runner keeps its own.</summary>
    private static SendPacer PausingPacer(MonoTime clock, PacingCalibration calibration, IWaitingReceiver? receiver, CancellationToken stop, CancellationToken abort)
    {
        var waits = new SystemPacingWaits(stop, abort, receiver) { PauseWhileReceiving = true }; // not disposed: a linked token source per run
        waits.PrepareThread(); // the factory runs on the driver thread (normal priority, as main's driver)
        var pacer = new SendPacer(clock, waits, calibration);
        pacer.Prepare();
        return pacer;
    }

    /// <summary>Runs a "before" path: this process reads pings and pongs with the general JSON reader alone, as main did.</summary>
    private static async Task BeforeAsync(Func<Task> path)
    {
        PingCodec.UseCanonicalReader = false;
        try
        {
            await path();
        }
        finally
        {
            PingCodec.UseCanonicalReader = true;
        }
    }

    /// <summary>
    /// A raw one-thread client (timestamps right around <c>Send</c> and a blocking <c>Receive</c>, as
    /// <see cref="MeasureRaw"/>) sending framed JSON pings (encoded before t1) to the agent's udp echo: the echo's own
    /// cost over the raw echo, without the runner's. The hold is the pong's tx − rx.
    /// </summary>
    private static void MeasureRawToAgent(UdpRoom room, int count, TimeSpan interval, int payloadBytes, MonoTime clock, List<double> into, List<double> hold)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(room.Echo);
        socket.ReceiveTimeout = 1000;
        var send = new byte[UdpFrame.MaxDatagram];
        var receive = new byte[UdpFrame.MaxDatagram];
        UdpFrame.WriteHeader(send, UdpFrame.TypeToEcho, room.Room, room.Token);
        var run = RunId.New();
        for (int i = 0; i < count + 5; i++)
        {
            int length = UdpFrame.HeaderLength + PingCodec.WritePing(send.AsSpan(UdpFrame.HeaderLength), run, i, clock.NowNs(), payloadBytes);
            long t1 = clock.NowNs();
            socket.Send(send.AsSpan(0, length));
            int n;
            try
            {
                n = socket.Receive(receive);
            }
            catch (SocketException)
            {
                continue;
            }
            long t4 = clock.NowNs();
            if (i >= 5 && PingCodec.TryReadPong(receive.AsSpan(UdpFrame.HeaderLength, n - UdpFrame.HeaderLength), out var pong))
            {
                into.Add((t4 - t1) / 1000.0);
                hold.Add((pong.EchoTxNs - pong.EchoRxNs) / 1000.0);
            }
            Thread.Sleep(interval);
        }
    }

    private static Task Sync(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    /// <summary>The send delays (sent − scheduled, µs) of each rtcbench path's measured pings, by its RTT list.</summary>
    private static readonly Dictionary<List<double>, List<double>> SendDelays = new(ReferenceEqualityComparer.Instance);

    private static async Task MeasureRtcBenchAsync(BenchmarkRunner runner, Uri agentUrl, RunConfig config, List<double> into, List<double> hold)
    {
        var report = await runner.RunAsync(new BenchmarkOptions { AgentUrl = agentUrl, Platforms = ["udp"], Config = config }, CancellationToken.None, CancellationToken.None);
        if (!SendDelays.TryGetValue(into, out var delays))
        {
            SendDelays[into] = delays = [];
        }
        foreach (var ping in report.Results.Single().Pings)
        {
            if (ping.Status != "warmup" && ping.SendDelayUs is { } d)
            {
                delays.Add(d);
            }
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

    private static string Report(int rounds, int pings, TimeSpan interval, int datagramBytes, string loadAtStart, List<double>[] rtts, List<double>[] holds, List<double>[] roundP50)
    {
        foreach (var l in rtts.Concat(holds))
        {
            l.Sort();
        }
        static double P(List<double> v, double q) => v.Count == 0 ? double.NaN : Percentile.Linear(v.ToArray(), q);
        // The median over rounds of a ratio of two paths' p50s in the same round: each ratio compares two paths
        // measured seconds apart, so load that comes and goes between rounds cancels out.
        double Paired(int a, int b)
        {
            var ratios = roundP50[a].Zip(roundP50[b], (x, y) => x / y).Where(double.IsFinite).ToList();
            ratios.Sort();
            return P(ratios, 0.5);
        }
        string Within(int a, int b, double limit)
        {
            int met = roundP50[a].Zip(roundP50[b], (x, y) => x / y <= limit ? 1 : 0).Sum();
            return $"{met} of {roundP50[a].Count}";
        }
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# udp platform vs raw UDP echo (loopback)");
        sb.AppendLine();
        sb.AppendLine(inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        sb.AppendLine(inv, $"- command: `dotnet run -c Release --project bench/RtcBench.Bench -- udp-floor --rounds {rounds} --pings {pings} --interval-ms {interval.TotalMilliseconds}`");
        sb.AppendLine(inv, $"- load average at start: {loadAtStart}; at the end: {DirectBenchmark.LoadAverage()}");
        sb.AppendLine(inv, $"- {rounds} interleaved rounds (order rotating) × {pings} pings every {interval.TotalMilliseconds} ms per path; datagrams of {datagramBytes} bytes both ways for the raw echoes and the pings (pongs are longer). The in-process agent and raw echo run in the benchmark process; the child agents are `agent-host` processes (as in the direct benchmark), the raw echo of the child rows a thread in the child agent's process. rtcbench rows: `BenchmarkRunner` (the CLI's engine) with the default pacer. \"before\": this process (and a second child agent) read pings and pongs with the general JSON reader alone, the runner reads t1 before encoding the ping and each step of its spin before a send reads the socket and PAUSEs, as on main.");
        sb.AppendLine();
        sb.AppendLine("| path | n | p50 µs | p90 µs | p99 µs | agent hold p50 µs (rtt − net_rtt; raw client: tx − rx) | send delay p50 / p99 µs |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        for (int i = 0; i < PathNames.Length; i++)
        {
            string hold = holds[i].Count == 0 ? "–" : P(holds[i], 0.5).ToString("0.0", inv);
            string delay = "–";
            if (SendDelays.TryGetValue(rtts[i], out var d) && d.Count > 0)
            {
                d.Sort();
                delay = string.Create(inv, $"{P(d, 0.5):0.0} / {P(d, 0.99):0.0}");
            }
            sb.AppendLine(inv, $"| {PathNames[i]} | {rtts[i].Count} | {P(rtts[i], 0.5):0.0} | {P(rtts[i], 0.9):0.0} | {P(rtts[i], 0.99):0.0} | {hold} | {delay} |");
        }
        sb.AppendLine();
        double Ratio(int a, int b, double q) => P(rtts[a], q) / P(rtts[b], q);
        sb.AppendLine("| ratio of p50s | pooled | median of the per-round ratios | rounds ≤ 1.3 |");
        sb.AppendLine("|---|---|---|---|");
        void Row(string name, int a, int b) => sb.AppendLine(inv, $"| {name} | {Ratio(a, b, 0.5):0.00} | {Paired(a, b):0.00} | {Within(a, b, 1.3)} |");
        Row("**udp platform ÷ raw one-thread echo, both in one process**", Udp, Raw);
        Row("the same, before", UdpBefore, Raw);
        Row("**udp platform ÷ raw one-thread echo, both echoes in the child process**", ChildUdp, ChildRaw);
        Row("the same, before", ChildUdpBefore, ChildRaw);
        Row("child-process udp platform ÷ in-process raw echo (the direct benchmark's comparison)", ChildUdp, Raw);
        Row("this branch ÷ before, in one process", Udp, UdpBefore);
        Row("this branch ÷ before, agent in a child process", ChildUdp, ChildUdpBefore);
        Row("the agent's echo under a raw client: this branch ÷ before", RawToAgent, RawToAgentBefore);
        Row("the agent's echo over the raw echo (raw client → agent ÷ raw echo), one process", RawToAgent, Raw);
        Row("the agent's echo over the raw echo, child process", RawToChildAgent, ChildRaw);
        Row("the runner over the raw client (udp platform ÷ raw client → agent), one process", Udp, RawToAgent);
        Row("the runner over the raw client, child process", ChildUdp, RawToChildAgent);
        Row("the spin step without PAUSEs ÷ main's (this branch otherwise)", Udp, PauseSpin);
        Row("the driver at real-time priority (not the default) ÷ at normal priority", RealTime, Udp);
        sb.AppendLine();
        sb.AppendLine(inv, $"p99 ratios, udp platform ÷ raw echo: {Ratio(Udp, Raw, 0.99):0.00} in one process (before {Ratio(UdpBefore, Raw, 0.99):0.00}), {Ratio(ChildUdp, ChildRaw, 0.99):0.00} with the child (before {Ratio(ChildUdpBefore, ChildRaw, 0.99):0.00}).");
        return sb.ToString();
    }
}
