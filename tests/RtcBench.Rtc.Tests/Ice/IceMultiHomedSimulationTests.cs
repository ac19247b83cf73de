using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// A controlling agent with two addresses (a host and a lower-priority second candidate) against a controlled agent,
/// over a seeded lossy <see cref="SimulatedNetwork"/> whose round trip exceeds Ta, so both aggressive nominations reach
/// the controlled side. Each side may select another pair than the other (werift does so as controlling); what must
/// hold: the controlled side never moves down in priority while its pair answers (RFC 8445 §8.1.1), and each side
/// takes data from the pair the other sends on (§12).
/// </summary>
public sealed class IceMultiHomedSimulationTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials OffererCredentials = new("oFfR", "offererpassword01234567");
    private static readonly IceCredentials AnswererCredentials = new("aNsW", "answererpassword0123456");
    private static readonly IPEndPoint High = new(IPAddress.Parse("10.0.0.1"), 40000);
    private static readonly IPEndPoint Low = new(IPAddress.Parse("10.0.1.1"), 40001);
    private static readonly IPEndPoint Answerer = new(IPAddress.Parse("10.0.0.2"), 50000);
    private static readonly uint HighPriority = IcePriority.Compute(IcePriority.HostTypePreference, 65535, 1);
    private static readonly uint LowPriority = IcePriority.Compute(IcePriority.HostTypePreference, 1000, 1);

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.1)]
    [InlineData(3, 0.2)]
    [InlineData(4, 0.2)]
    [InlineData(5, 0.3)]
    [InlineData(6, 0.3)]
    [InlineData(7, 0.3)]
    [InlineData(8, 0.4)]
    public void TwoNominatedPairs_ControlledNeverMovesDown_AndEachSideTakesDataWhereTheOtherSends(int seed, double loss)
    {
        var controlling = new IceAgent(OffererCredentials, AnswererCredentials,
            new IceAgentOptions { RandomSeed = seed, TieBreaker = 2, LocalCandidatePriority = HighPriority });
        int second = controlling.AddLocalCandidate(LowPriority);
        controlling.AddRemoteCandidate(Answerer, HighPriority);
        var controlled = new IceAgent(AnswererCredentials, OffererCredentials,
            new IceAgentOptions { RandomSeed = seed + 100, TieBreaker = 1, Role = IceRole.Controlled, LocalCandidatePriority = HighPriority });
        controlled.AddRemoteCandidate(High, HighPriority);
        controlled.AddRemoteCandidate(Low, LowPriority);
        var offerer = new IceMultiHomedSimPeer([High, Low], [Answerer], controlling);
        var answerer = new IceMultiHomedSimPeer([Answerer], [High, Low], controlled);
        var link = new SimulatedLinkOptions { DelayNs = 40 * Ms, JitterNs = 20 * Ms, LossRate = loss, ReorderRate = 0.1, DuplicateRate = 0.02 };
        var net = new SimulatedNetwork(seed, offerer, answerer, link);
        controlling.Start(0);
        controlled.Start(0);

        Assert.True(net.RunUntil(() => controlling.State == IceAgentState.Connected && controlled.State == IceAgentState.Connected, 20 * S),
            $"{net.Describe()} controlling {controlling.State}, controlled {controlled.State}");

        // Within two consent intervals of the first selection the selected pair cannot look lost: any move is one a
        // nomination made, and it must not go down (it went down whenever the low pair's nomination was proved last).
        net.RunFor(8 * S);
        string Story() => $"{net.Describe()}; controlling selected {string.Join(", ", offerer.Selections)}; controlled selected {string.Join(", ", answerer.Selections)}";
        for (int i = 1; i < answerer.Selections.Count; i++)
        {
            Assert.False(answerer.Selections[i - 1].Remote.Equals(High) && answerer.Selections[i].Remote.Equals(Low), "moved down: " + Story());
        }

        // Then consent on both sides' selected pairs, whichever they are. Under loss the controlled side may fall back to
        // the low pair when the high one leaves its consent checks unanswered for two intervals; it must stay up.
        net.RunFor(80 * S);
        string story = Story();
        Assert.True(controlling.State == IceAgentState.Connected && controlled.State == IceAgentState.Connected, story);
        Assert.Equal(1, second);

        // The controlling side sends from its selected address to the answerer; the controlled side sends to its
        // selected remote, which reaches the controlling agent's candidate at that address.
        Assert.True(controlled.AcceptsData(offerer.SelectedLocal!), story);
        int reached = controlled.SelectedEndpoint!.Equals(High) ? IceAgent.HostCandidate : second;
        Assert.True(controlling.AcceptsData(Answerer, reached), story);
        Assert.Equal(0, offerer.Unreachable + answerer.Unreachable);
    }
}
