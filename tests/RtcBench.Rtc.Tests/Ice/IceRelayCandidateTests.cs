using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// A second local candidate in the sans-IO agent (a TURN relay, RFC 8445 §5.1.1.2): pairing, the local id on transmits
/// and events, relay-only ICE, and symmetry per local candidate. The "relay" here is the test itself: it forwards what
/// the agent sends from local 1 as coming from <see cref="Relayed"/>, and hands back what the peer sends there.
/// </summary>
public sealed class IceRelayCandidateTests
{
    private static readonly IceCredentials AgentCredentials = new("aGnT", "agentpassword0123456789");
    private static readonly IceCredentials PeerCredentials = new("pEeR", "peerpassword01234567890");
    private static readonly IPEndPoint Host = new(IPAddress.Parse("10.0.0.1"), 40000);
    private static readonly IPEndPoint Relayed = new(IPAddress.Parse("203.0.113.5"), 50000);
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("10.0.0.2"), 60000);
    private static readonly uint HostPriority = IcePriority.Compute(126, 65535, 1);
    private static readonly uint RelayPriority = IcePriority.Compute(IcePriority.RelayedTypePreference, 65535, 1);

    [Fact]
    public void RelayOnly_NothingIsSentUntilTheRelayIsAdded_ThenChecksLeaveFromIt_AndTheSelectionNamesIt()
    {
        var agent = new IceAgent(AgentCredentials, PeerCredentials, new IceAgentOptions { UseHostCandidate = false, RemoteIsLite = true });
        var peer = new IceLiteResponder(PeerCredentials, AgentCredentials);
        agent.AddRemoteCandidate(Peer, HostPriority);
        agent.Start(0);
        agent.HandleTimeout(0);
        Assert.False(agent.TryPollTransmit(out _));
        Assert.Equal(0, agent.PairCount);

        int relay = agent.AddLocalCandidate(RelayPriority);
        Assert.Equal(1, relay);
        Assert.Equal(1, agent.PairCount);
        agent.HandleTimeout(RtcTime.NsPerMs);
        Assert.True(agent.TryPollTransmit(out var check));
        Assert.Equal(relay, check.Local);
        Assert.Equal(Peer, check.Destination);
        Assert.True(StunMessageReader.TryRead(check.Payload, out var request));
        Assert.True(request.TryGetPriority(out uint priority));
        Assert.Equal(((uint)IcePriority.PeerReflexiveTypePreference << 24) | (RelayPriority & 0xFFFFFF), priority);

        // The peer sees the check from the relayed address and answers there; the relay hands it back on local 1.
        peer.HandleDatagram(2 * RtcTime.NsPerMs, check.Payload, Relayed);
        Assert.True(peer.TryPollTransmit(out var response));
        Assert.Equal(Relayed, response.Destination);
        agent.HandleDatagram(3 * RtcTime.NsPerMs, response.Payload, Peer, relay);

        Assert.True(agent.TryPollEvent(out var selected));
        Assert.Equal(IceEventKind.Selected, selected.Kind);
        Assert.Equal(relay, selected.Local);
        Assert.Equal(Peer, selected.Endpoint);
        Assert.Equal(relay, agent.SelectedLocal);
        Assert.Equal(IceAgentState.Connected, agent.State);
    }

    [Fact]
    public void RelayOnly_DatagramsOnTheHostCandidateAreIgnored()
    {
        var agent = new IceAgent(AgentCredentials, PeerCredentials, new IceAgentOptions { UseHostCandidate = false, Role = IceRole.Controlled });
        var peer = new IceAgent(PeerCredentials, AgentCredentials, new IceAgentOptions { Role = IceRole.Controlling });
        peer.AddRemoteCandidate(Host, HostPriority);
        agent.Start(0);
        peer.Start(0);
        peer.HandleTimeout(0);
        Assert.True(peer.TryPollTransmit(out var check));

        Assert.True(agent.HandleDatagram(RtcTime.NsPerMs, check.Payload, Peer, IceAgent.HostCandidate));
        Assert.Equal(1, agent.Ignored);
        Assert.False(agent.TryPollTransmit(out _)); // Not answered: the host candidate is not ours to use.
        Assert.Equal(0, agent.PairCount);
    }

    [Fact]
    public void HostAndRelay_PairsForBoth_AResponseOnTheOtherLocalFailsTheCheck()
    {
        var agent = new IceAgent(AgentCredentials, PeerCredentials, new IceAgentOptions { RemoteIsLite = true });
        var peer = new IceLiteResponder(PeerCredentials, AgentCredentials);
        agent.AddRemoteCandidate(Peer, HostPriority);
        int relay = agent.AddLocalCandidate(RelayPriority);
        Assert.Equal(2, agent.PairCount);
        agent.Start(0);

        // The host pair has the higher priority: it is checked first, from the host candidate.
        agent.HandleTimeout(0);
        Assert.True(agent.TryPollTransmit(out var hostCheck));
        Assert.Equal(IceAgent.HostCandidate, hostCheck.Local);
        peer.HandleDatagram(RtcTime.NsPerMs, hostCheck.Payload, Host);
        Assert.True(peer.TryPollTransmit(out var response));

        // Its response arrives on the relay candidate instead: not symmetric (RFC 8445 §7.2.5.2.1), no selection.
        agent.HandleDatagram(2 * RtcTime.NsPerMs, response.Payload, Peer, relay);
        Assert.False(agent.TryPollEvent(out _));
        Assert.Equal(IceAgentState.Checking, agent.State);

        // The relay pair is checked next (paced by Ta) and succeeds.
        agent.HandleTimeout(60 * RtcTime.NsPerMs);
        Assert.True(agent.TryPollTransmit(out var relayCheck));
        Assert.Equal(relay, relayCheck.Local);
        peer.HandleDatagram(61 * RtcTime.NsPerMs, relayCheck.Payload, Relayed);
        Assert.True(peer.TryPollTransmit(out var relayResponse));
        agent.HandleDatagram(62 * RtcTime.NsPerMs, relayResponse.Payload, Peer, relay);
        Assert.True(agent.TryPollEvent(out var selected));
        Assert.Equal(relay, selected.Local);
    }

    [Fact]
    public void AddLocalCandidate_IsBounded()
    {
        var agent = new IceAgent(AgentCredentials, PeerCredentials);
        for (int i = 1; i < IceAgent.MaxLocalCandidates; i++)
        {
            Assert.Equal(i, agent.AddLocalCandidate(RelayPriority));
        }

        Assert.Throws<InvalidOperationException>(() => agent.AddLocalCandidate(RelayPriority));
    }
}
