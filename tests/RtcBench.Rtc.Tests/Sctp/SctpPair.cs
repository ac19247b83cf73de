using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>Two associations over a seeded simulated network: <see cref="A"/> connects, <see cref="B"/> accepts.</summary>
internal sealed class SctpPair
{
    public SctpPair(int seed, SimulatedLinkOptions link, Func<SctpOptions, SctpOptions>? configure = null, bool connect = true)
    {
        Seed = seed;
        var rnd = new Random(seed);
        var baseOptions = new SctpOptions();
        configure ??= o => o;
        A = new SctpSimEndpoint(new SctpAssociation(configure(baseOptions with { Random = new Random(rnd.Next()) })));
        B = new SctpSimEndpoint(new SctpAssociation(configure(baseOptions with { Random = new Random(rnd.Next()) })));
        Net = new SimulatedNetwork(seed, A, B, link);
        if (connect)
        {
            A.Association.Connect();
            Require(Net.RunUntil(() => A.Connected && B.Connected, 600 * RtcTime.NsPerSecond), "connect");
        }
    }

    public int Seed { get; }

    public SctpSimEndpoint A { get; }

    public SctpSimEndpoint B { get; }

    public SimulatedNetwork Net { get; }

    public string Describe() =>
        Net.Describe() + $" | A: rtx={A.Association.Stats.Retransmissions} fast={A.Association.Stats.FastRetransmits} " +
        $"t3={A.Association.Stats.T3Expirations} cwnd={A.Association.CongestionWindow} rto={A.Association.RtoNs / 1e6}ms " +
        $"state={A.Association.State} | B: state={B.Association.State} delivered={B.Messages.Count}";

    public void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException($"{what} failed; rerun with {Describe()}");
        }
    }

    public bool RunUntil(Func<bool> until, long forNs) => Net.RunUntil(until, Net.NowNs + forNs);
}
