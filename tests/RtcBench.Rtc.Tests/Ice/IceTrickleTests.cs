using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>Trickle ICE in the sans-IO agent (RFC 8838): the check list grows while checking, end-of-candidates.</summary>
public sealed class IceTrickleTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials AgentCredentials = new("aGnT", "agentpassword0123456789");
    private static readonly IceCredentials PeerCredentials = new("pEeR", "peerpassword01234567890");
    private static readonly IPEndPoint AgentAddress = new(IPAddress.Parse("10.0.0.1"), 40000);
    private static readonly IPEndPoint PeerAddress = new(IPAddress.Parse("10.0.0.2"), 50000);
    private static readonly IPEndPoint Nowhere = new(IPAddress.Parse("192.0.2.9"), 9);
    private static readonly uint HostPriority = IcePriority.Compute(126, 65535, 1);

    private static (SimulatedNetwork Net, IceSimPeer Agent, IceSimPeer Peer) AgentAndLitePeer(int seed, IceAgentOptions? options = null)
    {
        var agent = new IceSimPeer(AgentAddress, PeerAddress,
            new IceAgent(AgentCredentials, PeerCredentials, options ?? new IceAgentOptions { RandomSeed = seed }));
        var peer = new IceSimPeer(PeerAddress, AgentAddress, new IceLiteResponder(PeerCredentials, AgentCredentials));
        var link = new SimulatedLinkOptions { DelayNs = 20 * Ms, JitterNs = 5 * Ms };
        return (new SimulatedNetwork(seed, agent, peer, link), agent, peer);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Checking_NoCandidateUntilOneIsTrickled_ConnectsOneRoundTripAfterIt(int seed)
    {
        var (net, agent, peer) = AgentAndLitePeer(seed);
        agent.Agent.Start(0);
        net.RunFor(2 * S);
        Assert.Equal(IceAgentState.Checking, agent.Agent.State);
        Assert.Equal(0, agent.Agent.ChecksSent);

        agent.Agent.AddRemoteCandidate(PeerAddress, HostPriority);
        Assert.True(net.RunUntil(() => agent.Agent.State == IceAgentState.Connected, 3 * S), net.Describe());
        Assert.InRange(net.NowNs, 2 * S, (2 * S) + (100 * Ms));
        Assert.Equal(PeerAddress, agent.Selected);
        Assert.Equal(AgentAddress, peer.Selected);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void FullAgents_CandidatesTrickledLateInBothDirections_WithDeadOnes_ConnectOnTheLivePair(int seed)
    {
        var random = new Random(seed);
        var offerer = new IceSimPeer(AgentAddress, PeerAddress,
            new IceAgent(AgentCredentials, PeerCredentials, new IceAgentOptions { RandomSeed = seed, TieBreaker = 9 }));
        var answerer = new IceSimPeer(PeerAddress, AgentAddress,
            new IceAgent(PeerCredentials, AgentCredentials, new IceAgentOptions { RandomSeed = seed, TieBreaker = 8, Role = IceRole.Controlled }));
        var link = new SimulatedLinkOptions { DelayNs = 30 * Ms, JitterNs = 10 * Ms, LossRate = 0.1 };
        var net = new SimulatedNetwork(seed, offerer, answerer, link);
        // Each side learns late a dead high-priority candidate, then the live one, at random times.
        var due = new List<(long AtNs, IceSimPeer To, IPEndPoint Candidate, uint Priority)>
        {
            (random.Next(100, 600) * Ms, offerer, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 1), HostPriority + 10),
            (random.Next(700, 1500) * Ms, offerer, PeerAddress, HostPriority),
            (random.Next(100, 600) * Ms, answerer, new IPEndPoint(IPAddress.Parse("192.0.2.2"), 2), HostPriority + 10),
            (random.Next(700, 1500) * Ms, answerer, AgentAddress, HostPriority),
        };
        net.AfterStep = n =>
        {
            foreach (var d in due.Where(d => d.AtNs <= n.NowNs).ToList())
            {
                d.To.Agent.AddRemoteCandidate(d.Candidate, d.Priority);
                due.Remove(d);
            }
        };
        offerer.Agent.Start(0);
        answerer.Agent.Start(0);
        // Nothing else wakes the simulation at the trickle times while both lists are empty: step through them.
        foreach (var at in due.Select(d => d.AtNs).Order().ToList())
        {
            net.RunFor(at - net.NowNs);
            net.AfterStep(net);
        }

        Assert.True(net.RunUntil(() => offerer.Agent.State == IceAgentState.Connected && answerer.Agent.State == IceAgentState.Connected, 10 * S),
            $"{net.Describe()} offerer {offerer.Agent.State} answerer {answerer.Agent.State}");
        Assert.Equal(PeerAddress, offerer.Selected);
        Assert.Equal(AgentAddress, answerer.Selected);
        Assert.Equal(2, offerer.Agent.PairCount);
        Assert.True(offerer.Unreachable > 0 && answerer.Unreachable > 0, "the dead candidates were checked too");
    }

    [Fact]
    public void EveryPairFailed_BeforeEndOfCandidates_KeepsChecking_AndALaterCandidateConnects()
    {
        var options = new IceAgentOptions { RandomSeed = 1, MaxTransmissions = 2, InitialRtoNs = 100 * Ms, LastWaitMultiplier = 2 };
        var (net, agent, _) = AgentAndLitePeer(1, options);
        agent.Agent.AddRemoteCandidate(Nowhere, HostPriority);
        agent.Agent.Start(0);
        net.RunFor(2 * S); // The only pair failed after 300 ms.
        Assert.Equal(IceAgentState.Checking, agent.Agent.State);
        Assert.Equal(2, agent.Unreachable);
        Assert.Empty(agent.Events);

        agent.Agent.AddRemoteCandidate(PeerAddress, HostPriority - 1);
        Assert.True(net.RunUntil(() => agent.Agent.State == IceAgentState.Connected, 3 * S), net.Describe());
        Assert.Equal(PeerAddress, agent.Selected);
    }

    [Fact]
    public void EveryPairFailed_ThenEndOfCandidates_FailsAtOnce()
    {
        var options = new IceAgentOptions { RandomSeed = 1, MaxTransmissions = 2, InitialRtoNs = 100 * Ms, LastWaitMultiplier = 2 };
        var (net, agent, _) = AgentAndLitePeer(1, options);
        agent.Agent.AddRemoteCandidate(Nowhere, HostPriority);
        agent.Agent.Start(0);
        net.RunFor(2 * S);
        Assert.Equal(IceAgentState.Checking, agent.Agent.State);

        agent.Agent.EndOfRemoteCandidates();
        agent.DrainEvents(net.NowNs);
        Assert.Equal(IceAgentState.Failed, agent.Agent.State);
        var failed = Assert.Single(agent.Events).Event;
        Assert.Equal(IceEventKind.Failed, failed.Kind);
        Assert.Contains("every candidate pair failed", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EndOfCandidates_WhilePairsPending_DoesNotFail()
    {
        var (net, agent, _) = AgentAndLitePeer(1);
        agent.Agent.AddRemoteCandidate(PeerAddress, HostPriority);
        agent.Agent.EndOfRemoteCandidates();
        agent.Agent.Start(0);
        Assert.True(net.RunUntil(() => agent.Agent.State == IceAgentState.Connected, 1 * S), net.Describe());
    }

    [Fact]
    public void TrickledCandidates_AreCheckedInTurn_PacedByTa()
    {
        var agent = new IceAgent(AgentCredentials, PeerCredentials, new IceAgentOptions { RandomSeed = 1 });
        var first = new IPEndPoint(IPAddress.Parse("10.1.0.1"), 1);
        var second = new IPEndPoint(IPAddress.Parse("10.1.0.2"), 2);
        var third = new IPEndPoint(IPAddress.Parse("10.1.0.3"), 3);
        agent.AddRemoteCandidate(first, 100);
        agent.Start(0);
        var sent = new List<(long Ms, IPEndPoint To)>();
        for (long now = 0; now <= 200 * Ms; now += 5 * Ms)
        {
            if (now == 10 * Ms)
            {
                agent.AddRemoteCandidate(second, 200); // Arrives 10 ms after the first check: waits for Ta.
            }

            if (now == 120 * Ms)
            {
                agent.AddRemoteCandidate(third, 300); // The list was idle: checked at once.
            }

            agent.HandleTimeout(now);
            while (agent.TryPollTransmit(out var t))
            {
                sent.Add((now / Ms, t.Destination));
            }
        }

        Assert.Equal([(0L, first), (50L, second), (120L, third)], sent);
    }

    [Fact]
    public void AddRemoteCandidate_SameEndpointTwice_OnePair()
    {
        var agent = new IceAgent(AgentCredentials, PeerCredentials);
        agent.AddRemoteCandidate(PeerAddress, HostPriority);
        agent.AddRemoteCandidate(new IPEndPoint(PeerAddress.Address, PeerAddress.Port), HostPriority);
        Assert.Equal(1, agent.PairCount);
    }
}
