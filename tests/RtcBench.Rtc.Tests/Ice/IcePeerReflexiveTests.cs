using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sim;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// Peer-reflexive remote candidates (RFC 8445 §7.3.1.3): the source of a valid check we had no candidate for becomes
/// a pair and gets a triggered check. This is how peers whose candidates we cannot use (mDNS names, candidates that
/// never reached us) are connected.
/// </summary>
public sealed class IcePeerReflexiveTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials OffererCredentials = new("oFfR", "offererpassword01234567");
    private static readonly IceCredentials AnswererCredentials = new("aNsW", "answererpassword0123456");
    private static readonly IPEndPoint OffererAddress = new(IPAddress.Parse("10.0.0.1"), 40000);
    private static readonly IPEndPoint AnswererAddress = new(IPAddress.Parse("10.0.0.2"), 50000);
    private static readonly uint HostPriority = IcePriority.Compute(126, 65535, 1);

    [Theory]
    [InlineData(1, IceRole.Controlling)]
    [InlineData(2, IceRole.Controlling)]
    [InlineData(3, IceRole.Controlled)]
    [InlineData(4, IceRole.Controlled)]
    public void OnlyOneSideHasACandidate_TheOtherLearnsItAsPeerReflexive_BothConnect(int seed, IceRole blindRole)
    {
        // The "blind" agent got no usable candidate (say, only an mDNS name); the other knows where the blind one is.
        var blindOptions = new IceAgentOptions { Role = blindRole, TieBreaker = 5, RandomSeed = seed };
        var otherOptions = new IceAgentOptions
        {
            Role = blindRole == IceRole.Controlling ? IceRole.Controlled : IceRole.Controlling, TieBreaker = 6, RandomSeed = seed,
        };
        var blind = new IceSimPeer(OffererAddress, AnswererAddress, new IceAgent(OffererCredentials, AnswererCredentials, blindOptions));
        var other = new IceSimPeer(AnswererAddress, OffererAddress, new IceAgent(AnswererCredentials, OffererCredentials, otherOptions));
        other.Agent.AddRemoteCandidate(OffererAddress, HostPriority);
        blind.Agent.EndOfRemoteCandidates();
        var net = new SimulatedNetwork(seed, blind, other, new SimulatedLinkOptions { DelayNs = 25 * Ms, JitterNs = 5 * Ms, LossRate = 0.05 });
        blind.Agent.Start(0);
        other.Agent.Start(0);

        Assert.True(net.RunUntil(() => blind.Agent.State == IceAgentState.Connected && other.Agent.State == IceAgentState.Connected, 10 * S),
            $"{net.Describe()} blind {blind.Agent.State} other {other.Agent.State}");
        Assert.Equal(AnswererAddress, blind.Selected);
        Assert.Equal(OffererAddress, other.Selected);
        Assert.Equal(1, blind.Agent.PairCount);
    }

    [Fact]
    public void LearnedCandidate_ThenTheSameOneTrickled_OnePair()
    {
        var agent = new IceAgent(OffererCredentials, AnswererCredentials);
        agent.HandleDatagram(0, CheckFromAnswerer(), AnswererAddress);
        Assert.Equal(1, agent.PairCount);
        agent.AddRemoteCandidate(new IPEndPoint(AnswererAddress.Address, AnswererAddress.Port), HostPriority);
        Assert.Equal(1, agent.PairCount);
    }

    [Fact]
    public void CheckListFull_CheckFromUnknownSource_StillAnsweredButNotLearned()
    {
        var agent = new IceAgent(OffererCredentials, AnswererCredentials, new IceAgentOptions { MaxPairs = 1 });
        agent.AddRemoteCandidate(new IPEndPoint(IPAddress.Parse("10.9.9.9"), 9), HostPriority);
        agent.HandleDatagram(0, CheckFromAnswerer(), AnswererAddress);
        Assert.True(agent.TryPollTransmit(out var reply));
        Assert.True(StunMessageReader.TryRead(reply.Payload, out var response));
        Assert.Equal(StunMessageType.BindingSuccess, response.Type);
        Assert.Equal(1, agent.PairCount);
    }

    [Fact]
    public void UnauthenticatedCheck_FromUnknownSource_NotLearned()
    {
        var agent = new IceAgent(OffererCredentials, AnswererCredentials);
        var forged = new ChromiumCheck("oFfR:aNsW", "not-the-password-at-all0") { Controlled = true }.ToBytes();
        agent.HandleDatagram(0, forged, AnswererAddress);
        Assert.Equal(0, agent.PairCount);
        Assert.Equal(1, agent.IntegrityFailures);
        Assert.False(agent.TryPollTransmit(out _));
    }

    private static byte[] CheckFromAnswerer() =>
        new ChromiumCheck("oFfR:aNsW", OffererCredentials.Password) { Controlled = true }.ToBytes();
}
