using System.Net;
using System.Text;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sim;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>The full agent in the controlled role, against a full controlling agent and alone.</summary>
public sealed class IceControlledAgentTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials OffererCredentials = new("oFfR", "offererpassword01234567");
    private static readonly IceCredentials AnswererCredentials = new("aNsW", "answererpassword0123456");
    private static readonly IPEndPoint OffererAddress = new(IPAddress.Parse("10.0.0.1"), 40000);
    private static readonly IPEndPoint AnswererAddress = new(IPAddress.Parse("10.0.0.2"), 50000);
    private static readonly uint HostPriority = IcePriority.Compute(126, 65535, 1);

    private static IceAgent Controlling(int seed, ulong tieBreaker = 2) =>
        new(OffererCredentials, AnswererCredentials, new IceAgentOptions { RandomSeed = seed, TieBreaker = tieBreaker });

    private static IceAgent Controlled(int seed, ulong tieBreaker = 1) =>
        new(AnswererCredentials, OffererCredentials, new IceAgentOptions { RandomSeed = seed, TieBreaker = tieBreaker, Role = IceRole.Controlled });

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.05)]
    [InlineData(3, 0.2)]
    [InlineData(4, 0.2)]
    [InlineData(5, 0.3)]
    public void FullControllingAndFullControlled_LossyNetwork_BothSelectEachOtherAndKeepConsent(int seed, double loss)
    {
        var offerer = new IceSimPeer(OffererAddress, AnswererAddress, Controlling(seed));
        var answerer = new IceSimPeer(AnswererAddress, OffererAddress, Controlled(seed + 100));
        offerer.Agent.AddRemoteCandidate(AnswererAddress, HostPriority);
        answerer.Agent.AddRemoteCandidate(OffererAddress, HostPriority);
        var link = new SimulatedLinkOptions { DelayNs = 15 * Ms, JitterNs = 10 * Ms, LossRate = loss, ReorderRate = 0.1, DuplicateRate = 0.02 };
        var net = new SimulatedNetwork(seed, offerer, answerer, link);
        offerer.Agent.Start(0);
        answerer.Agent.Start(0);

        Assert.True(net.RunUntil(() => offerer.Agent.State == IceAgentState.Connected && answerer.Agent.State == IceAgentState.Connected, 10 * S),
            $"{net.Describe()} offerer {offerer.Agent.State}, answerer {answerer.Agent.State}");
        net.RunFor(120 * S); // Both send consent checks now; both stay up.

        Assert.Equal(IceAgentState.Connected, offerer.Agent.State);
        Assert.Equal(IceAgentState.Connected, answerer.Agent.State);
        Assert.Equal(AnswererAddress, offerer.Selected);
        Assert.Equal(OffererAddress, answerer.Selected);
        Assert.Equal([IceEvent.Selected(AnswererAddress, nominated: true)], offerer.Events.Select(e => e.Event));
        Assert.Equal([IceEvent.Selected(OffererAddress, nominated: true)], answerer.Events.Select(e => e.Event));
        Assert.Equal(IceRole.Controlling, offerer.Agent.Role);
        Assert.Equal(IceRole.Controlled, answerer.Agent.Role);
        Assert.Equal(0, offerer.Agent.RoleConflicts + answerer.Agent.RoleConflicts);
    }

    [Fact]
    public void ControlledCheck_CarriesIceControlledAndNoUseCandidate()
    {
        var agent = Controlled(1, tieBreaker: 77);
        agent.AddRemoteCandidate(OffererAddress, HostPriority);
        agent.Start(0);
        agent.HandleTimeout(0);
        Assert.True(agent.TryPollTransmit(out var check));
        Assert.True(StunMessageReader.TryRead(check.Payload, out var m));
        Assert.True(m.TryGetIceControlled(out ulong tieBreaker));
        Assert.Equal(77ul, tieBreaker);
        Assert.False(m.Contains(StunAttributeType.IceControlling));
        Assert.False(m.HasUseCandidate);
        Assert.True(m.TryGetUsername(out var username));
        Assert.Equal("oFfR:aNsW", username);
    }

    [Fact]
    public void Controlled_OwnCheckSucceededFirst_SelectsWhenTheNominationArrives()
    {
        var agent = Controlled(1);
        agent.AddRemoteCandidate(OffererAddress, HostPriority);
        agent.Start(0);
        agent.HandleTimeout(0);
        Assert.True(agent.TryPollTransmit(out var check));
        agent.HandleDatagram(10 * Ms, SuccessFor(check.Payload, AnswererAddress), OffererAddress);
        Assert.False(agent.TryPollEvent(out _)); // Valid, but not nominated: a controlled agent waits.
        Assert.Equal(IceAgentState.Checking, agent.State);

        agent.HandleDatagram(20 * Ms, Check(useCandidate: false), OffererAddress);
        Assert.False(agent.TryPollEvent(out _));
        agent.HandleDatagram(30 * Ms, Check(useCandidate: true), OffererAddress);
        Assert.True(agent.TryPollEvent(out var selected));
        Assert.Equal(IceEvent.Selected(OffererAddress, nominated: true), selected);
        Assert.Equal(IceAgentState.Connected, agent.State);
    }

    [Fact]
    public void Controlled_NominatedFirst_SelectsWhenItsOwnTriggeredCheckSucceeds()
    {
        var agent = Controlled(1);
        agent.Start(0);
        // No candidate signalled: the nominating check's source is learned as peer-reflexive and checked at once.
        agent.HandleDatagram(0, Check(useCandidate: true), OffererAddress);
        Assert.True(agent.TryPollTransmit(out var response));
        Assert.True(StunMessageReader.TryRead(response.Payload, out var r));
        Assert.Equal(StunMessageType.BindingSuccess, r.Type);
        Assert.False(agent.TryPollEvent(out _));

        agent.HandleTimeout(0);
        Assert.True(agent.TryPollTransmit(out var triggered));
        Assert.Equal(OffererAddress, triggered.Destination);
        agent.HandleDatagram(5 * Ms, SuccessFor(triggered.Payload, AnswererAddress), OffererAddress);
        Assert.True(agent.TryPollEvent(out var selected));
        Assert.Equal(IceEvent.Selected(OffererAddress, nominated: true), selected);
    }

    [Fact]
    public void Controlled_Connected_PeerMovesAndNominatesALowerPriorityPath_SelectedOnceOurCheckOnItSucceedsAndTheOldPathIsSilent()
    {
        var agent = Controlled(1);
        agent.AddRemoteCandidate(OffererAddress, HostPriority);
        agent.Start(0);
        agent.HandleTimeout(0);
        Assert.True(agent.TryPollTransmit(out var check));
        agent.HandleDatagram(10 * Ms, Check(useCandidate: true), OffererAddress);
        agent.HandleDatagram(10 * Ms, SuccessFor(check.Payload, AnswererAddress), OffererAddress);
        Assert.True(agent.TryPollEvent(out var first));
        Assert.Equal(IceEvent.Selected(OffererAddress, nominated: true), first);
        while (agent.TryPollTransmit(out _))
        {
        }

        // The peer moved (say, Wi-Fi to cable): the old path answers nothing more (our consent checks on it go
        // unanswered), and the peer nominates its new address, a peer-reflexive pair of lower priority than the host
        // pair (RFC 8445 §8.1.1 keeps the higher one while it works; it no longer does).
        for (long t = 0; t < 12 * S; t = agent.NextTimeoutNs)
        {
            agent.HandleTimeout(t);
            while (agent.TryPollTransmit(out _))
            {
            }
        }

        var moved = new IPEndPoint(IPAddress.Parse("10.0.0.3"), 40001);
        agent.HandleDatagram(12 * S, Check(useCandidate: true), moved);
        Assert.False(agent.TryPollEvent(out _)); // Not before our own check proves the new path.
        Assert.True(agent.TryPollTransmit(out var response));
        Assert.Equal(moved, response.Destination);
        Assert.True(agent.TryPollTransmit(out var probe));
        Assert.Equal(moved, probe.Destination);
        Assert.Equal(OffererAddress, agent.SelectedEndpoint);

        agent.HandleDatagram((12 * S) + (5 * Ms), SuccessFor(probe.Payload, AnswererAddress), moved);
        Assert.True(agent.TryPollEvent(out var second));
        Assert.Equal(IceEvent.Selected(moved, nominated: true), second);
        Assert.Equal(moved, agent.SelectedEndpoint);
        Assert.Equal(IceAgentState.Connected, agent.State);
    }

    [Fact]
    public void Controlled_PeerSendsDataOnAnotherPairItChecked_AcceptedThere_UnknownSourcesAreNot()
    {
        // werift (controlling, aggressive nomination) keeps the first pair its own check found working; we keep the
        // first nominated pair our check proved. They can differ: its DTLS must still be ours (RFC 8445 §12.2).
        var second = new IPEndPoint(IPAddress.Parse("10.0.0.3"), 40001);
        var stranger = new IPEndPoint(IPAddress.Parse("10.0.0.9"), 40009);
        var agent = Controlled(1);
        agent.AddRemoteCandidate(OffererAddress, HostPriority);
        agent.AddRemoteCandidate(second, HostPriority - 1);
        agent.Start(0);
        agent.HandleTimeout(0);
        Assert.True(agent.TryPollTransmit(out var check));
        Assert.Equal(OffererAddress, check.Destination);
        agent.HandleDatagram(5 * Ms, Check(useCandidate: true), second); // Answered: the peer may now send data there.
        Assert.False(agent.AcceptsData(second)); // Nothing selected yet: data waits.

        agent.HandleDatagram(10 * Ms, Check(useCandidate: true), OffererAddress);
        agent.HandleDatagram(10 * Ms, SuccessFor(check.Payload, AnswererAddress), OffererAddress);
        Assert.Equal(OffererAddress, agent.SelectedEndpoint);

        Assert.True(agent.AcceptsData(OffererAddress));
        Assert.True(agent.AcceptsData(second));
        Assert.False(agent.AcceptsData(stranger));
        Assert.False(agent.AcceptsData(second, local: 1)); // Same remote, another local candidate: not a pair we know.
        Assert.Equal(OffererAddress, agent.SelectedEndpoint); // Accepting data there does not move where we send.
    }

    [Fact]
    public void Controlled_PeerNeverNominates_FailsAtTheConnectTimeout()
    {
        var agent = new IceAgent(AnswererCredentials, OffererCredentials,
            new IceAgentOptions { Role = IceRole.Controlled, ConnectTimeoutNs = 2 * S, RandomSeed = 1 });
        agent.AddRemoteCandidate(OffererAddress, HostPriority);
        agent.Start(0);
        long now = 0;
        while (true)
        {
            agent.HandleTimeout(now);
            if (agent.State != IceAgentState.Checking)
            {
                break;
            }

            while (agent.TryPollTransmit(out var t))
            {
                if (StunMessageReader.TryRead(t.Payload, out var m) && m.Class == StunClass.Request)
                {
                    agent.HandleDatagram(now, SuccessFor(t.Payload, AnswererAddress), OffererAddress);
                }
            }

            now = agent.NextTimeoutNs;
        }

        Assert.Equal(2 * S, now);
        Assert.True(agent.ChecksSent > 0);
        Assert.True(agent.TryPollEvent(out var failed));
        Assert.Equal(IceEventKind.Failed, failed.Kind);
    }

    [Fact]
    public void Options_LitePeerAndControlled_Refused() =>
        Assert.Throws<ArgumentException>(() => new IceAgent(AnswererCredentials, OffererCredentials,
            new IceAgentOptions { Role = IceRole.Controlled, RemoteIsLite = true }));

    /// <summary>A check from the controlling offerer to the controlled answerer.</summary>
    private static byte[] Check(bool useCandidate) =>
        new ChromiumCheck("aNsW:oFfR", AnswererCredentials.Password) { UseCandidate = useCandidate }.ToBytes();

    /// <summary>The offerer's success response to one of the answerer's checks.</summary>
    private static byte[] SuccessFor(byte[] request, IPEndPoint mapped)
    {
        Assert.True(StunMessageReader.TryRead(request, out var m));
        var buffer = new byte[128];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, m.TransactionId);
        w.AddXorMappedAddress(mapped);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(OffererCredentials.Password));
        w.AddFingerprint();
        return w.ToArray();
    }
}
