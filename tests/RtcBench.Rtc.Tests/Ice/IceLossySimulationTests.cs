using System.Net;
using RtcBench.Rtc.Ice;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// The controlling agent against the lite responder over a seeded lossy, jittery network that jumps from event to
/// event: two simulated minutes run in milliseconds, and a failure names its seed.
/// </summary>
public sealed class IceLossySimulationTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials AgentCredentials = new("aGnT", "agentpassword0123456789");
    private static readonly IceCredentials PeerCredentials = new("pEeR", "peerpassword01234567890");
    private static readonly IPEndPoint AgentAddress = new(IPAddress.Loopback, 40000);
    private static readonly IPEndPoint PeerAddress = new(IPAddress.Loopback, 50000);

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.2)]
    [InlineData(3, 0.3)]
    [InlineData(4, 0.3)]
    [InlineData(5, 0.4)]
    public void AgentAndLitePeer_LossyNetwork_ConnectAndKeepConsentFor2Minutes(int seed, double loss)
    {
        var random = new Random(seed);
        var agent = new IceAgent(AgentCredentials, PeerCredentials, new IceAgentOptions { RandomSeed = seed });
        var peer = new IceLiteResponder(PeerCredentials, AgentCredentials);
        var inFlight = new PriorityQueue<(IPEndPoint To, byte[] Payload), long>();
        agent.AddRemoteCandidate(PeerAddress, IcePriority.Compute(126, 65535, 1));
        agent.Start(0);

        long now = 0;
        long connectedAt = -1;
        var agentEvents = new List<IceEvent>();
        while (now <= 120 * S)
        {
            agent.HandleTimeout(now);
            peer.HandleTimeout(now);
            while (inFlight.TryPeek(out var datagram, out long at) && at <= now)
            {
                inFlight.Dequeue();
                if (datagram.To.Equals(PeerAddress))
                {
                    peer.HandleDatagram(now, datagram.Payload, AgentAddress);
                }
                else
                {
                    agent.HandleDatagram(now, datagram.Payload, PeerAddress);
                }
            }

            Send(agent.TryPollTransmit);
            Send(peer.TryPollTransmit);
            while (agent.TryPollEvent(out var e))
            {
                agentEvents.Add(e);
                connectedAt = connectedAt < 0 && e.Kind == IceEventKind.Selected ? now : connectedAt;
            }

            while (peer.TryPollEvent(out _))
            {
            }

            long next = Math.Min(agent.NextTimeoutNs, peer.NextTimeoutNs);
            if (inFlight.TryPeek(out _, out long delivery))
            {
                next = Math.Min(next, delivery);
            }

            Assert.True(next != RtcTime.Never, $"seed {seed}: nothing left to do at {now / Ms} ms");
            now = Math.Max(now, next);
        }

        Assert.True(connectedAt >= 0, $"seed {seed}: never connected; events: {string.Join(", ", agentEvents)}");
        Assert.True(connectedAt < 10 * S, $"seed {seed}: connected only at {connectedAt / Ms} ms");
        Assert.Equal(IceAgentState.Connected, agent.State);
        Assert.Equal([IceEvent.Selected(PeerAddress, nominated: true)], agentEvents);
        Assert.Equal(AgentAddress, peer.SelectedEndpoint);

        void Send(TryPoll poll)
        {
            while (poll(out var t))
            {
                if (random.NextDouble() >= loss)
                {
                    inFlight.Enqueue((t.Destination, t.Payload), now + (10 * Ms) + random.Next(0, 20) * Ms);
                }
            }
        }
    }

    private delegate bool TryPoll(out Transmit transmit);
}
