using System.Diagnostics;
using System.Globalization;
using System.Text;
using RtcBench.Rtc;
using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sim;

namespace RtcBench.Bench;

/// <summary>
/// The simulator's speed: the scenario of SctpDataChannelSimulationTests (60 s of simulated time, a reliable and an
/// unordered maxRetransmits-0 stream both ways, one message each every 20 ms, 5 % loss, reordering, duplication)
/// timed on the wall clock, Release build, several seeds.
/// </summary>
internal static class SimulationSpeed
{
    public static void Run(StringBuilder sb)
    {
        var link = new SimulatedLinkOptions
        {
            DelayNs = 20 * RtcTime.NsPerMs, JitterNs = 4 * RtcTime.NsPerMs, LossRate = 0.05, ReorderRate = 0.05, DuplicateRate = 0.02,
        };
        Scenario(0, link); // warm-up (JIT)
        var walls = new List<double>();
        long steps = 0, delivered = 0;
        for (int seed = 1; seed <= 5; seed++)
        {
            var sw = Stopwatch.StartNew();
            (long s, long d) = Scenario(seed, link);
            walls.Add(sw.Elapsed.TotalMilliseconds);
            steps += s;
            delivered += d;
        }
        walls.Sort();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("## Simulation speed");
        sb.AppendLine();
        sb.AppendLine(inv, $"The 60-second simulated scenario of `SctpDataChannelSimulationTests` (two associations, reliable + unordered maxRetransmits-0 streams both ways, a message on each every 20 ms, 5 % loss, 5 % reordering, 2 % duplication), 5 seeds after one warm-up: wall time per 60 s scenario **median {walls[2]:0} ms, max {walls[^1]:0} ms**; {steps / 5} simulator events and {delivered / 5} messages delivered per scenario.");
        sb.AppendLine();
    }

    private static (long Steps, long Delivered) Scenario(int seed, SimulatedLinkOptions link)
    {
        var rnd = new Random(seed);
        var a = new Endpoint(new SctpAssociation(new SctpOptions { Random = new Random(rnd.Next()) }));
        var b = new Endpoint(new SctpAssociation(new SctpOptions { Random = new Random(rnd.Next()) }));
        var net = new SimulatedNetwork(seed, a, b, link);
        a.Association.Connect();
        net.RunUntil(() => a.Connected && b.Connected, 60 * RtcTime.NsPerSecond);
        long start = net.NowNs;
        var payload = new byte[100];
        var lossy = new SendOptions(false, 0);
        for (int i = 0; i < 3000; i++)
        {
            net.RunUntil(() => false, start + (i * 20 * RtcTime.NsPerMs));
            foreach (var ep in new[] { a, b })
            {
                ep.HandleTimeout(net.NowNs);
                ep.Association.Send(0, 53, payload, SendOptions.Reliable);
                ep.Association.Send(1, 53, payload, lossy);
            }
        }
        net.RunUntil(() => a.Association.BufferedAmount == 0 && b.Association.BufferedAmount == 0, net.NowNs + (60 * RtcTime.NsPerSecond));
        return (net.Steps, a.Delivered + b.Delivered);
    }

    private sealed class Endpoint(SctpAssociation association) : ISimEndpoint
    {
        public SctpAssociation Association { get; } = association;

        public bool Connected { get; private set; }

        public long Delivered { get; private set; }

        public long NextTimeoutNs => Association.NextTimeoutNs;

        public void HandleInput(long nowNs, ReadOnlySpan<byte> packet)
        {
            Association.HandleInput(nowNs, packet);
            Drain();
        }

        public void HandleTimeout(long nowNs)
        {
            Association.HandleTimeout(nowNs);
            Drain();
        }

        public bool TryPollTransmit(out byte[] packet) => Association.TryPollTransmit(out packet);

        private void Drain()
        {
            while (Association.TryPollEvent(out var e))
            {
                Connected |= e is SctpConnected;
                Delivered += e is SctpMessageReceived ? 1 : 0;
            }
        }
    }
}
