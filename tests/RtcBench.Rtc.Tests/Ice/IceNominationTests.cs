using System.Net;
using System.Text;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// The controlled agent facing several nominated pairs (RFC 8445 §8.1.1): the highest-priority nominated pair whose
/// check succeeded is used, whatever order the nominations come in; a lower-priority one only once the selected pair
/// stops answering. werift (aggressive nomination) nominates every pair it checks; a defect moved our selection to
/// whichever pair was nominated last (the LiveKit stand-in's relay tests met it: our relay instead of werift's host pair).
/// </summary>
public sealed class IceNominationTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials Ours = new("aNsW", "answererpassword0123456");
    private static readonly IceCredentials Theirs = new("oFfR", "offererpassword01234567");
    private static readonly IPEndPoint Us = new(IPAddress.Parse("10.0.0.2"), 50000);
    private static readonly IPEndPoint High = new(IPAddress.Parse("10.0.0.1"), 40000);
    private static readonly IPEndPoint Low = new(IPAddress.Parse("10.0.0.3"), 40001);
    private static readonly uint HighPriority = IcePriority.Compute(IcePriority.HostTypePreference, 65535, 1);
    private static readonly uint LowPriority = IcePriority.Compute(IcePriority.RelayedTypePreference, 65535, 1);

    /// <summary>
    /// One pair is nominated and selected, then the peer nominates the other too (werift: USE-CANDIDATE on every check)
    /// and our check on it succeeds: a lower-priority pair leaves the selection on the higher one, a higher-priority
    /// pair takes it over. Either way the data of both pairs is still ours: the peer may send on either.
    /// </summary>
    [Theory]
    [InlineData(true)]  // then the lower-priority pair: the selection stays
    [InlineData(false)] // then the higher-priority pair: the selection moves there
    public void Connected_SecondPairNominatedLater_SelectionEndsOnTheHigherPriorityOne(bool highNominatedFirst)
    {
        var (agent, highCheck, lowCheck) = StartWithTwoPairs();
        var (first, firstCheck, second) = highNominatedFirst ? (High, highCheck, Low) : (Low, lowCheck, High);
        agent.HandleDatagram(60 * Ms, Nominating(), first);
        agent.HandleDatagram(60 * Ms, SuccessFor(firstCheck), first);
        Assert.Equal(first, agent.SelectedEndpoint);

        agent.HandleDatagram(70 * Ms, Nominating(), second);
        var probe = TakeCheckTo(agent, second);
        agent.HandleDatagram(75 * Ms, SuccessFor(probe), second);

        IceEvent[] selections = highNominatedFirst
            ? [IceEvent.Selected(High, nominated: true)]
            : [IceEvent.Selected(Low, nominated: true), IceEvent.Selected(High, nominated: true)];
        Assert.Equal(High, agent.SelectedEndpoint);
        Assert.Equal(selections, Events(agent));
        Assert.True(agent.AcceptsData(Low));
        Assert.True(agent.AcceptsData(High));
    }

    [Fact]
    public void Checking_HigherPriorityNominatedButItsCheckStillOpen_WhenALowerOneIsSelected_ItsAnswerStillCounts()
    {
        var (agent, highCheck, lowCheck) = StartWithTwoPairs();
        agent.HandleDatagram(55 * Ms, Nominating(), High); // Nominated; our check on it (sent at 0) not answered yet.
        agent.HandleDatagram(60 * Ms, Nominating(), Low);
        agent.HandleDatagram(60 * Ms, SuccessFor(lowCheck), Low);
        Assert.Equal(Low, agent.SelectedEndpoint);

        // Selecting Low must not cancel the check on the better nominated pair: its (late) answer selects High.
        agent.HandleDatagram(80 * Ms, SuccessFor(highCheck), High);

        Assert.Equal(High, agent.SelectedEndpoint);
        Assert.Equal([IceEvent.Selected(Low, nominated: true), IceEvent.Selected(High, nominated: true)], Events(agent));
    }

    [Fact]
    public void Connected_LowerPriorityNominated_TakenOverOnceTheSelectedPairStopsAnswering_BeforeConsentExpires()
    {
        var (agent, highCheck, _) = StartWithTwoPairs();
        agent.HandleDatagram(60 * Ms, Nominating(), High);
        agent.HandleDatagram(60 * Ms, SuccessFor(highCheck), High);
        agent.HandleDatagram(70 * Ms, Nominating(), Low);
        agent.HandleDatagram(75 * Ms, SuccessFor(TakeCheckTo(agent, Low)), Low);
        Assert.Equal(High, agent.SelectedEndpoint);

        // The high path goes dark: our consent checks on it are never answered. The peer, like werift, nominated once
        // and says nothing more.
        long now = 75 * Ms;
        long movedAt = 0;
        while (now < 40 * S && movedAt == 0)
        {
            now = agent.NextTimeoutNs;
            agent.HandleTimeout(now);
            while (agent.TryPollTransmit(out _))
            {
            }

            if (Low.Equals(agent.SelectedEndpoint))
            {
                movedAt = now;
            }
        }

        Assert.Equal(IceAgentState.Connected, agent.State);
        Assert.Equal(Low, agent.SelectedEndpoint);
        Assert.InRange(movedAt, 10 * S, 30 * S); // After two unanswered consent intervals, before consent would expire.
    }

    /// <summary>A controlled agent with the peer's two candidates; its first checks (one per pair) already sent.</summary>
    private static (IceAgent Agent, byte[] HighCheck, byte[] LowCheck) StartWithTwoPairs()
    {
        var agent = new IceAgent(Ours, Theirs, new IceAgentOptions { Role = IceRole.Controlled, RandomSeed = 1, TieBreaker = 1 });
        agent.AddRemoteCandidate(High, HighPriority);
        agent.AddRemoteCandidate(Low, LowPriority);
        agent.Start(0);
        agent.HandleTimeout(0);
        var high = TakeCheckTo(agent, High);
        agent.HandleTimeout(50 * Ms);
        var low = TakeCheckTo(agent, Low);
        return (agent, high, low);
    }

    /// <summary>The next connectivity check the agent sends to <paramref name="to"/> (skipping responses it sends).</summary>
    private static byte[] TakeCheckTo(IceAgent agent, IPEndPoint to)
    {
        while (agent.TryPollTransmit(out var t))
        {
            if (t.Destination.Equals(to) && StunMessageReader.TryRead(t.Payload, out var m) && m.Class == StunClass.Request)
            {
                return t.Payload;
            }
        }

        throw new Xunit.Sdk.XunitException($"no check to {to}");
    }

    private static List<IceEvent> Events(IceAgent agent)
    {
        var events = new List<IceEvent>();
        while (agent.TryPollEvent(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>A check from the controlling peer carrying USE-CANDIDATE.</summary>
    private static byte[] Nominating() => new ChromiumCheck(Ours.Ufrag + ":" + Theirs.Ufrag, Ours.Password) { UseCandidate = true }.ToBytes();

    /// <summary>The peer's success response to one of our checks.</summary>
    private static byte[] SuccessFor(byte[] request)
    {
        Assert.True(StunMessageReader.TryRead(request, out var m));
        var buffer = new byte[128];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, m.TransactionId);
        w.AddXorMappedAddress(Us);
        w.AddMessageIntegrity(Encoding.UTF8.GetBytes(Theirs.Password));
        w.AddFingerprint();
        return w.ToArray();
    }
}
