using System.Diagnostics;
using System.Globalization;
using System.Text;
using RtcBench.Rtc;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Sim;
using RtcBench.Rtc.Tests.Core;

namespace RtcBench.Bench;

/// <summary>
/// The CPU of one warmed direct echo through two <see cref="RtcCore"/>s wired back to back on one thread (the setup of
/// RtcCoreAllocationTests: an ICE-lite answerer as the agent runs it, a reliable channel, a 128-byte ping echoed from
/// inside the answerer's poll loop): per round trip, the answerer's receive side (datagram → ICE → DTLS decrypt → SCTP
/// → message: what the agent's hold covers up to its pong timestamp), its echo send (message → SCTP → DTLS encrypt →
/// transmit) and the whole trip with the offerer's share. Each sample is a fresh process (<c>core-echo-probe</c>), so a
/// runtime switch can differ between rows: <c>DOTNET_EnableAES=0</c> turns the record layer's AES-NI path off (the
/// record layer then uses .NET's AesGcm on OpenSSL, the previous code). Rows interleave round by round.
/// </summary>
internal static class CoreEchoBenchmark
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (string Name, string? EnableAes)[] Rows =
    [
        ("record layer on AES-NI/PCLMULQDQ (Aes128GcmIntrinsics, the default)", null),
        ("record layer on .NET AesGcm / OpenSSL (DOTNET_EnableAES=0: the previous path)", "0"),
    ];

    public static async Task<string> RunAsync(int rounds, int trips)
    {
        string loadStart = DirectBenchmark.LoadAverage();
        var samples = Rows.Select(_ => new List<double[]>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < Rows.Length; k++)
            {
                int row = (round + k) % Rows.Length;
                samples[row].Add(await ProbeAsync(Rows[row].EnableAes, trips));
            }
            Console.Error.WriteLine($"core-echo round {round + 1}/{rounds}");
        }

        var sb = new StringBuilder();
        sb.AppendLine("# One warmed direct echo through two RtcCores, CPU per round trip");
        sb.AppendLine();
        sb.AppendLine(Inv, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        sb.AppendLine(Inv, $"- command: `dotnet run -c Release --project bench/RtcBench.Bench -- core-echo --rounds {rounds} --trips {trips}`");
        sb.AppendLine(Inv, $"- load average at start: {loadStart}; at the end: {DirectBenchmark.LoadAverage()}");
        sb.AppendLine(Inv, $"- {rounds} rounds, each one fresh process per row (order rotating); a process warms {trips} round trips, then times {trips} (wall clock on one thread, so preemption by other work shows; read the medians over processes)");
        sb.AppendLine();
        sb.AppendLine("| record layer | processes | answerer receive µs (median, min–max of processes) | answerer echo send µs | whole round trip µs (both cores) |");
        sb.AppendLine("|---|---|---|---|---|");
        for (int row = 0; row < Rows.Length; row++)
        {
            sb.AppendLine(Inv, $"| {Rows[row].Name} | {samples[row].Count} | {Cell(samples[row], 0)} | {Cell(samples[row], 1)} | {Cell(samples[row], 2)} |");
        }
        sb.AppendLine();
        for (int i = 0; i < 3; i++)
        {
            string what = i switch { 0 => "answerer receive", 1 => "answerer echo send", _ => "whole round trip" };
            sb.AppendLine(Inv, $"- {what}: AES-NI ÷ AesGcm, medians: **{Median(samples[0], i) / Median(samples[1], i):0.00}**");
        }
        return sb.ToString();
    }

    private static string Cell(List<double[]> s, int i) =>
        string.Create(Inv, $"{Median(s, i):0.00} ({s.Min(x => x[i]):0.00}–{s.Max(x => x[i]):0.00})");

    private static double Median(List<double[]> s, int i)
    {
        var v = s.Select(x => x[i]).Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static async Task<double[]> ProbeAsync(string? enableAes, int trips)
    {
        string self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false, FileName = self };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(CoreEchoBenchmark).Assembly.Location);
        }
        psi.ArgumentList.Add("core-echo-probe");
        psi.ArgumentList.Add(trips.ToString(Inv));
        if (enableAes is not null)
        {
            psi.Environment["DOTNET_EnableAES"] = enableAes;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the probe");
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        string? line = output.Split('\n').FirstOrDefault(l => l.StartsWith("trip ", StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"the probe failed: {output}");
        }
        return line[5..].Split(' ').Select(x => double.Parse(x, Inv)).ToArray();
    }

    /// <summary>The probe process: <c>core-echo-probe TRIPS</c>; prints <c>trip RECEIVE_US SEND_US TRIP_US AES_NI</c>.</summary>
    public static int RunProbe(string[] args)
    {
        int trips = int.Parse(args[1], Inv);
        long far = 10_000_000 * RtcTime.NsPerSecond; // consent and heartbeats far past the 100 ms × 2 × trips of virtual time
        using var pair = new RtcCorePair(3, new SimulatedLinkOptions { DelayNs = RtcTime.NsPerMs }, true, DtlsRole.Server,
            a: o => o with
            {
                IceAgent = new Rtc.Ice.IceAgentOptions { Role = Rtc.Ice.IceRole.Controlling, RemoteIsLite = true, ConsentIntervalNs = far, ConsentTimeoutNs = 2 * far },
                SctpHeartbeatIntervalNs = far,
            },
            b: o => o with
            {
                IceAgent = new Rtc.Ice.IceAgentOptions { Role = Rtc.Ice.IceRole.Controlled, ConsentIntervalNs = far, ConsentTimeoutNs = 2 * far },
                ConsentTimeoutNs = far,
                SctpHeartbeatIntervalNs = far,
            });
        int channel = pair.A.Open(0, new RtcChannelOptions { Label = "ping", Ordered = true });
        if (!pair.RunUntil(() => pair.A.IsOpen(channel) && pair.B.Core.Channels.Count == 1))
        {
            Console.Error.WriteLine("the pair did not connect");
            return 1;
        }
        pair.Net.RunFor(RtcTime.NsPerSecond);
        var echo = new Echo(pair.A.Core, pair.B.Core, channel, pair.Net.NowNs);
        echo.Run(trips);
        echo.Reset();
        echo.Run(trips);
        if (echo.Pongs != trips)
        {
            Console.Error.WriteLine($"only {echo.Pongs} of {trips} pongs came back: the measurement is void");
            return 1;
        }
        double f = 1e6 / Stopwatch.Frequency / trips;
        Console.Out.WriteLine(string.Create(Inv, $"trip {echo.ReceiveTicks * f:0.000} {echo.SendTicks * f:0.000} {echo.TripTicks * f:0.000}"));
        return 0;
    }

    /// <summary>A ping from A, echoed by B from inside its poll loop, back to A; 50 µs of virtual time per hop.</summary>
    private sealed class Echo(RtcCore a, RtcCore b, int channel, long now)
    {
        private readonly byte[][] _slots = Enumerable.Range(0, 16).Select(_ => new byte[2048]).ToArray();
        private readonly int[] _lengths = new int[16];
        private readonly byte[] _ping = new byte[128];
        private long _now = now;

        public long ReceiveTicks { get; private set; }

        public long SendTicks { get; private set; }

        public long TripTicks { get; private set; }

        public long Pongs { get; private set; }

        public void Reset() => ReceiveTicks = SendTicks = TripTicks = Pongs = 0;

        public void Run(int trips)
        {
            for (int i = 0; i < trips; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                _now += 100_000_000; // 10 pings/s
                _ping[0] = (byte)i;
                a.HandleInput(_now, RtcInput.Send(channel, _ping, isText: false));
                bool moved = true;
                while (moved)
                {
                    _now += 50_000;
                    int n = Drain(a, echo: false);
                    long r0 = Stopwatch.GetTimestamp();
                    moved = Feed(b, n, RtcCorePair.AddressA, RtcCorePair.AddressB);
                    ReceiveTicks += Stopwatch.GetTimestamp() - r0;
                    _now += 50_000;
                    n = Drain(b, echo: true);
                    moved |= Feed(a, n, RtcCorePair.AddressB, RtcCorePair.AddressA);
                }
                TripTicks += Stopwatch.GetTimestamp() - t0;
            }
        }

        private int Drain(RtcCore core, bool echo)
        {
            int n = 0;
            while (true)
            {
                var output = core.PollOutput();
                switch (output.Kind)
                {
                    case RtcOutputKind.Timeout when output.TimeoutNs <= _now:
                        core.HandleInput(_now, RtcInput.Timeout);
                        break;
                    case RtcOutputKind.Timeout:
                        return n;
                    case RtcOutputKind.Transmit:
                        output.Data.Span.CopyTo(_slots[n]);
                        _lengths[n++] = output.Data.Length;
                        break;
                    case RtcOutputKind.Message when !echo:
                        Pongs++;
                        break;
                    case RtcOutputKind.Message:
                        long s0 = Stopwatch.GetTimestamp();
                        core.HandleInput(_now, RtcInput.Send(output.Channel, output.Data.Span, output.IsText));
                        SendTicks += Stopwatch.GetTimestamp() - s0;
                        break;
                }
            }
        }

        private bool Feed(RtcCore core, int count, System.Net.IPEndPoint from, System.Net.IPEndPoint to)
        {
            for (int i = 0; i < count; i++)
            {
                core.HandleInput(_now, RtcInput.Receive(_slots[i].AsSpan(0, _lengths[i]), from, to));
            }
            return count > 0;
        }
    }
}
