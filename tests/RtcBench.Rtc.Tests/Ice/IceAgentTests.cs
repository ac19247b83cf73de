using System.Net;
using System.Text;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Ice;

public sealed class IceAgentTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials AgentCredentials = new("aGnT", "agentpassword0123456789");
    private static readonly IceCredentials PeerCredentials = new("pEeR", "peerpassword01234567890");
    private static readonly IPEndPoint AgentAddress = new(IPAddress.Loopback, 40000);
    private static readonly IPEndPoint PeerAddress = new(IPAddress.Loopback, 50000);
    private static readonly byte[] PeerKey = Encoding.UTF8.GetBytes(PeerCredentials.Password);

    private static IceAgent NewAgent(IceAgentOptions? options = null) =>
        new(AgentCredentials, PeerCredentials, options ?? new IceAgentOptions { TieBreaker = 1000, RandomSeed = 1 });

    private static IceLiteResponder NewPeer() => new(PeerCredentials, AgentCredentials);

    private static List<Transmit> Drain(IceAgent agent)
    {
        var list = new List<Transmit>();
        while (agent.TryPollTransmit(out var t))
        {
            list.Add(t);
        }

        return list;
    }

    private static List<IceEvent> Events(IceAgent agent)
    {
        var list = new List<IceEvent>();
        while (agent.TryPollEvent(out var e))
        {
            list.Add(e);
        }

        return list;
    }

    /// <summary>Runs the agent against a lite peer until <paramref name="untilNs"/>, jumping between deadlines.</summary>
    private static long Run(IceAgent agent, IceLiteResponder peer, long fromNs, long untilNs, Func<long, bool>? peerAnswers = null)
    {
        long now = fromNs;
        while (true)
        {
            agent.HandleTimeout(now);
            peer.HandleTimeout(now);
            foreach (var t in Drain(agent))
            {
                if (t.Destination.Equals(PeerAddress) && (peerAnswers?.Invoke(now) ?? true))
                {
                    peer.HandleDatagram(now, t.Payload, AgentAddress);
                }
            }

            while (peer.TryPollTransmit(out var reply))
            {
                Assert.Equal(AgentAddress, reply.Destination);
                agent.HandleDatagram(now, reply.Payload, PeerAddress);
            }

            long next = Math.Min(agent.NextTimeoutNs, peer.NextTimeoutNs);
            if (next > untilNs)
            {
                return now;
            }

            now = Math.Max(now, next);
        }
    }

    [Fact]
    public void FirstCheck_Sent_IsChromiumCompatibleRequest()
    {
        var agent = NewAgent();
        agent.AddRemoteCandidate(PeerAddress, 2130706431);
        agent.Start(0);
        Assert.Equal(0, agent.NextTimeoutNs);
        agent.HandleTimeout(0);
        var sent = Assert.Single(Drain(agent));
        Assert.Equal(PeerAddress, sent.Destination);
        Assert.True(StunMessageReader.TryRead(sent.Payload, out var m));
        Assert.Equal(StunMessageType.BindingRequest, m.Type);
        Assert.True(m.TryGetUsername(out var username));
        Assert.Equal("pEeR:aGnT", username);
        Assert.True(m.TryGetIceControlling(out var tieBreaker));
        Assert.Equal(1000ul, tieBreaker);
        Assert.True(m.HasUseCandidate);
        Assert.True(m.TryGetPriority(out var priority));
        Assert.Equal(IcePriority.Compute(110, 65535, 1), priority);
        Assert.True(m.VerifyIntegrity(PeerKey));
        Assert.True(m.VerifyFingerprint());
        Assert.Equal(IceAgentState.Checking, agent.State);
    }

    [Fact]
    public void AgentAgainstLitePeer_Connects_BothSidesSelectEachOther()
    {
        var agent = NewAgent();
        var peer = NewPeer();
        agent.AddRemoteCandidate(PeerAddress, 2130706431);
        agent.Start(0);
        Run(agent, peer, 0, 0);

        Assert.Equal(IceAgentState.Connected, agent.State);
        Assert.Equal(PeerAddress, agent.SelectedEndpoint);
        Assert.Equal([IceEvent.Selected(PeerAddress, nominated: true)], Events(agent));
        Assert.True(peer.TryPollEvent(out var peerEvent));
        Assert.Equal(IceEvent.Selected(AgentAddress, nominated: true), peerEvent);
    }

    [Fact]
    public void Connected_ConsentAnswered_StaysConnectedWithJitteredChecks()
    {
        var agent = NewAgent();
        var peer = NewPeer();
        agent.AddRemoteCandidate(PeerAddress, 2130706431);
        agent.Start(0);
        Run(agent, peer, 0, 0);
        Events(agent);

        long previous = 0;
        long now = 0;
        int consentChecks = 0;
        while (now < 120 * S)
        {
            long next = agent.NextTimeoutNs;
            Assert.InRange(next - previous, 4 * S, 6 * S);
            now = Run(agent, peer, next, next);
            previous = next;
            consentChecks++;
        }

        Assert.Equal(IceAgentState.Connected, agent.State);
        Assert.Empty(Events(agent));
        Assert.InRange(consentChecks, 20, 30);
        Assert.Equal(0, agent.Retransmissions);
    }

    [Fact]
    public void Connected_PeerSilent_ConsentExpiresAfter30Seconds()
    {
        var agent = NewAgent();
        var peer = NewPeer();
        agent.AddRemoteCandidate(PeerAddress, 2130706431);
        agent.Start(0);
        Run(agent, peer, 0, 0);
        Events(agent);

        Run(agent, peer, 0, 100 * S, peerAnswers: _ => false);
        Assert.Equal(IceAgentState.Expired, agent.State);
        Assert.Equal([IceEvent.ConsentExpired(PeerAddress)], Events(agent));
        Assert.Null(agent.SelectedEndpoint);
        Assert.Equal(RtcTime.Never, agent.NextTimeoutNs);
    }

    [Fact]
    public void NoAnswer_Retransmits_At0_500_1500_3500_7500_15500_31500ms_ThenFails()
    {
        var agent = NewAgent(new IceAgentOptions { TieBreaker = 1, ConnectTimeoutNs = 60 * S });
        agent.AddRemoteCandidate(PeerAddress, 1);
        agent.EndOfRemoteCandidates();
        agent.Start(0);
        var sentAt = new List<long>();
        long now = 0;
        while (agent.State == IceAgentState.Checking)
        {
            agent.HandleTimeout(now);
            foreach (var _ in Drain(agent))
            {
                sentAt.Add(now / Ms);
            }

            now = agent.NextTimeoutNs;
        }

        Assert.Equal([0L, 500, 1500, 3500, 7500, 15500, 31500], sentAt);
        var failed = Assert.Single(Events(agent));
        Assert.Equal(IceEventKind.Failed, failed.Kind);
        Assert.Contains("every candidate pair failed", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(IceAgentState.Failed, agent.State);
        Assert.Equal(RtcTime.Never, agent.NextTimeoutNs);
    }

    [Fact]
    public void NoCandidatesAndNoChecks_FailsAtConnectTimeout()
    {
        var agent = NewAgent();
        agent.Start(5 * S);
        Assert.Equal(35 * S, agent.NextTimeoutNs);
        agent.HandleTimeout((35 * S) - 1);
        Assert.Empty(Events(agent));
        agent.HandleTimeout(35 * S);
        Assert.Equal(IceEventKind.Failed, Assert.Single(Events(agent)).Kind);
    }

    [Fact]
    public void ThreeCandidates_ChecksPacedByTaInPriorityOrder()
    {
        var agent = NewAgent();
        var low = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1);
        var high = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 2);
        var mid = new IPEndPoint(IPAddress.Parse("10.0.0.3"), 3);
        agent.AddRemoteCandidate(low, 100);
        agent.AddRemoteCandidate(high, 300);
        agent.AddRemoteCandidate(mid, 200);
        agent.Start(0);
        var order = new List<(long, IPEndPoint)>();
        for (long now = 0; now <= 120 * Ms; now += 10 * Ms)
        {
            agent.HandleTimeout(now);
            order.AddRange(Drain(agent).Select(t => (now / Ms, t.Destination)));
        }

        Assert.Equal([(0L, high), (50L, mid), (100L, low)], order);
    }

    [Fact]
    public void PeerCheckFromUnknownSource_LearnedAsPeerReflexive_TriggeredCheckConnects()
    {
        var agent = NewAgent();
        var peer = NewPeer();
        var hidden = new IPEndPoint(IPAddress.Parse("10.99.0.1"), 50000); // behind an mDNS candidate
        var chromiumCheck = new ChromiumCheck("aGnT:pEeR", AgentCredentials.Password) { Controlled = true }.ToBytes();

        Assert.True(agent.HandleDatagram(0, chromiumCheck, hidden));
        var reply = Assert.Single(Drain(agent));
        Assert.True(StunMessageReader.TryRead(reply.Payload, out var response));
        Assert.Equal(StunMessageType.BindingSuccess, response.Type);
        Assert.True(response.VerifyIntegrity(Encoding.UTF8.GetBytes(AgentCredentials.Password)));
        Assert.True(response.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(hidden, mapped);
        Assert.Equal(1, agent.PairCount);

        agent.Start(10 * Ms);
        agent.HandleTimeout(10 * Ms);
        var check = Assert.Single(Drain(agent));
        Assert.Equal(hidden, check.Destination);
        peer.HandleDatagram(10 * Ms, check.Payload, AgentAddress);
        Assert.True(peer.TryPollTransmit(out var success));
        agent.HandleDatagram(11 * Ms, success.Payload, hidden);
        Assert.Equal([IceEvent.Selected(hidden, nominated: true)], Events(agent));
    }

    [Fact]
    public void ForgedResponse_WrongKey_IgnoredAndTransactionContinues()
    {
        var agent = NewAgent();
        agent.AddRemoteCandidate(PeerAddress, 1);
        agent.Start(0);
        agent.HandleTimeout(0);
        var check = Assert.Single(Drain(agent));

        // An attacker who saw the request forges a success without knowing the peer's password.
        Assert.True(StunMessageReader.TryRead(check.Payload, out var request));
        var forged = new byte[128];
        var w = new StunMessageWriter(forged, StunMessageType.BindingSuccess, request.TransactionId);
        w.AddXorMappedAddress(AgentAddress);
        w.AddMessageIntegrity("wrong-key"u8);
        w.AddFingerprint();
        agent.HandleDatagram(1 * Ms, w.Written, PeerAddress);
        Assert.Equal(1, agent.IntegrityFailures);
        Assert.Equal(IceAgentState.Checking, agent.State);

        // The real peer answers the retransmission.
        var realPeer = NewPeer();
        agent.HandleTimeout(500 * Ms);
        var retransmission = Assert.Single(Drain(agent));
        Assert.Equal(check.Payload, retransmission.Payload);
        realPeer.HandleDatagram(500 * Ms, retransmission.Payload, AgentAddress);
        Assert.True(realPeer.TryPollTransmit(out var success));
        agent.HandleDatagram(501 * Ms, success.Payload, PeerAddress);
        Assert.Equal(IceAgentState.Connected, agent.State);
    }

    [Fact]
    public void Response_FromOtherAddress_FailsThePair()
    {
        var agent = NewAgent();
        var peer = NewPeer();
        agent.AddRemoteCandidate(PeerAddress, 1);
        agent.EndOfRemoteCandidates();
        agent.Start(0);
        agent.HandleTimeout(0);
        peer.HandleDatagram(0, Assert.Single(Drain(agent)).Payload, AgentAddress);
        Assert.True(peer.TryPollTransmit(out var success));
        agent.HandleDatagram(1 * Ms, success.Payload, new IPEndPoint(IPAddress.Loopback, 50001));
        Assert.Equal(IceAgentState.Failed, agent.State);
        Assert.Equal(IceEventKind.Failed, Assert.Single(Events(agent)).Kind);
    }

    [Fact]
    public void Response_487_SwitchesToControlled_AndRetriesTheCheckAtOnce()
    {
        var agent = NewAgent();
        agent.AddRemoteCandidate(PeerAddress, 1);
        agent.Start(0);
        agent.HandleTimeout(0);
        Assert.True(StunMessageReader.TryRead(Assert.Single(Drain(agent)).Payload, out var request));
        var buffer = new byte[128];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingError, request.TransactionId);
        w.AddErrorCode(487, "Role Conflict");
        w.AddMessageIntegrity(PeerKey);
        w.AddFingerprint();
        agent.HandleDatagram(1 * Ms, w.Written, PeerAddress);

        Assert.Empty(Events(agent));
        Assert.Equal(IceRole.Controlled, agent.Role);
        Assert.Equal(IceAgentState.Checking, agent.State);
        Assert.Equal(1, agent.RoleSwitches);
        agent.HandleTimeout(50 * Ms); // Ta after the first check: the triggered retry goes out.
        var retry = Assert.Single(Drain(agent));
        Assert.Equal(PeerAddress, retry.Destination);
        Assert.True(StunMessageReader.TryRead(retry.Payload, out var again));
        Assert.True(again.TryGetIceControlled(out ulong tieBreaker));
        Assert.Equal(1000ul, tieBreaker);
        Assert.False(again.HasUseCandidate);
        Assert.NotEqual(request.TransactionId, again.TransactionId);
    }

    [Fact]
    public void Response_487_FromALitePeer_FailsThePairAndKeepsControl()
    {
        var agent = NewAgent(new IceAgentOptions { TieBreaker = 1000, RandomSeed = 1, RemoteIsLite = true });
        agent.AddRemoteCandidate(PeerAddress, 1);
        agent.EndOfRemoteCandidates();
        agent.Start(0);
        agent.HandleTimeout(0);
        Assert.True(StunMessageReader.TryRead(Assert.Single(Drain(agent)).Payload, out var request));
        var buffer = new byte[128];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingError, request.TransactionId);
        w.AddErrorCode(487, "Role Conflict");
        w.AddMessageIntegrity(PeerKey);
        w.AddFingerprint();
        agent.HandleDatagram(1 * Ms, w.Written, PeerAddress);
        Assert.Equal(IceRole.Controlling, agent.Role);
        Assert.Equal(IceEventKind.Failed, Assert.Single(Events(agent)).Kind);
    }

    [Theory]
    [InlineData(999ul, true)]
    [InlineData(1000ul, true)]
    [InlineData(1001ul, false)]
    public void IncomingControllingCheck_TieBreak_487OrSwitchToControlled(ulong theirs, bool weWin)
    {
        var agent = NewAgent(); // Controlling, tie-breaker 1000.
        agent.HandleDatagram(0, RoleCheck(controlling: true, theirs), PeerAddress);
        Assert.True(StunMessageReader.TryRead(Assert.Single(Drain(agent)).Payload, out var response));
        if (weWin)
        {
            Assert.True(response.TryGetErrorCode(out var error));
            Assert.Equal(StunErrorCode.RoleConflict, error.Code);
            Assert.True(response.VerifyIntegrity(Encoding.UTF8.GetBytes(AgentCredentials.Password)));
            Assert.Equal(IceRole.Controlling, agent.Role);
            Assert.Equal(1, agent.RoleConflicts);
        }
        else
        {
            Assert.Equal(StunMessageType.BindingSuccess, response.Type);
            Assert.Equal(IceRole.Controlled, agent.Role);
            Assert.Equal(0, agent.RoleConflicts);
        }

        Assert.Equal(IceAgentState.New, agent.State);
        Assert.Empty(Events(agent));
    }

    [Theory]
    [InlineData(999ul, true)]
    [InlineData(1000ul, true)]
    [InlineData(1001ul, false)]
    public void IncomingControlledCheck_WhileControlled_TieBreak_SwitchToControllingOr487(ulong theirs, bool weTakeControl)
    {
        var agent = NewAgent(new IceAgentOptions { TieBreaker = 1000, RandomSeed = 1, Role = IceRole.Controlled });
        agent.HandleDatagram(0, RoleCheck(controlling: false, theirs), PeerAddress);
        Assert.True(StunMessageReader.TryRead(Assert.Single(Drain(agent)).Payload, out var response));
        if (weTakeControl)
        {
            Assert.Equal(StunMessageType.BindingSuccess, response.Type);
            Assert.Equal(IceRole.Controlling, agent.Role);
        }
        else
        {
            Assert.True(response.TryGetErrorCode(out var error));
            Assert.Equal(StunErrorCode.RoleConflict, error.Code);
            Assert.Equal(IceRole.Controlled, agent.Role);
        }
    }

    [Fact]
    public void IncomingControllingCheck_FacingALitePeer_NeverGivesUpControl()
    {
        var agent = NewAgent(new IceAgentOptions { TieBreaker = 1, RandomSeed = 1, RemoteIsLite = true });
        agent.HandleDatagram(0, RoleCheck(controlling: true, ulong.MaxValue), PeerAddress);
        Assert.True(StunMessageReader.TryRead(Assert.Single(Drain(agent)).Payload, out var response));
        Assert.True(response.TryGetErrorCode(out var error));
        Assert.Equal(StunErrorCode.RoleConflict, error.Code);
        Assert.Equal(IceRole.Controlling, agent.Role);
    }

    private static byte[] RoleCheck(bool controlling, ulong tieBreaker)
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.New());
        w.AddUsername("aGnT:pEeR");
        if (controlling)
        {
            w.AddIceControlling(tieBreaker);
        }
        else
        {
            w.AddIceControlled(tieBreaker);
        }

        w.AddPriority(1);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(AgentCredentials.Password));
        w.AddFingerprint();
        return w.ToArray();
    }

    [Fact]
    public void PeerCheck_WhileOurCheckIsInProgress_RetransmitsItAtOnce()
    {
        var agent = NewAgent();
        agent.AddRemoteCandidate(PeerAddress, 1);
        agent.Start(0);
        agent.HandleTimeout(0);
        var check = Assert.Single(Drain(agent));

        var peerCheck = new ChromiumCheck("aGnT:pEeR", AgentCredentials.Password) { Controlled = true }.ToBytes();
        agent.HandleDatagram(10 * Ms, peerCheck, PeerAddress);
        var sent = Drain(agent);
        Assert.Equal(2, sent.Count); // Our success response, then our own check again (the peer is reachable).
        Assert.True(StunMessageReader.TryRead(sent[0].Payload, out var response));
        Assert.Equal(StunMessageType.BindingSuccess, response.Type);
        Assert.Equal(check.Payload, sent[1].Payload);
        Assert.Equal(1, agent.Retransmissions);
        Assert.Equal(500 * Ms, agent.NextTimeoutNs); // The transaction keeps its own schedule.
    }

    [Fact]
    public void Start_Twice_Throws()
    {
        var agent = NewAgent();
        agent.Start(0);
        Assert.Throws<InvalidOperationException>(() => agent.Start(1));
    }

    [Fact]
    public void Options_Invalid_ListsEveryError()
    {
        var e = Assert.Throws<ArgumentException>(() => new IceAgent(AgentCredentials, PeerCredentials,
            new IceAgentOptions { PacingIntervalNs = 0, MaxTransmissions = 0 }));
        Assert.Contains("PacingIntervalNs", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxTransmissions", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HandleDatagram_HostileInputs_NeverThrow()
    {
        const int seed = 8445;
        var random = new Random(seed);
        var agent = NewAgent();
        agent.AddRemoteCandidate(PeerAddress, 1);
        agent.Start(0);
        var valid = new ChromiumCheck("aGnT:pEeR", AgentCredentials.Password) { Controlled = true }.ToBytes();
        var buffer = new byte[valid.Length];
        for (int i = 0; i < 20_000; i++)
        {
            valid.CopyTo(buffer, 0);
            buffer[random.Next(buffer.Length)] = (byte)random.Next(256);
            if (random.Next(4) == 0)
            {
                buffer[3] = 0; // a length field that no longer matches
            }

            agent.HandleDatagram(i * Ms, buffer, PeerAddress);
            agent.HandleTimeout(i * Ms);
            Drain(agent);
            Events(agent);
        }

        Assert.True(agent.Malformed + agent.FingerprintFailures + agent.IntegrityFailures > 0, $"seed {seed}");
    }
}
