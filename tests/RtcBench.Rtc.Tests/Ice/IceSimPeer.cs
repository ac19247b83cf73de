using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// Puts a full <see cref="IceAgent"/> or an <see cref="IceLiteResponder"/> at <paramref name="address"/> on one end
/// of a <see cref="SimulatedNetwork"/>. The other end is reachable at <paramref name="peer"/> only: a transmit to any
/// other destination (a candidate that does not lead anywhere) is dropped and counted in <see cref="Unreachable"/>.
/// </summary>
internal sealed class IceSimPeer(IPEndPoint address, IPEndPoint peer, IceAgent? agent, IceLiteResponder? lite) : ISimEndpoint
{
    public IceSimPeer(IPEndPoint address, IPEndPoint peer, IceAgent agent)
        : this(address, peer, agent, null)
    {
    }

    public IceSimPeer(IPEndPoint address, IPEndPoint peer, IceLiteResponder lite)
        : this(address, peer, null, lite)
    {
    }

    public IPEndPoint Address { get; } = address;

    public IceAgent Agent => agent ?? throw new InvalidOperationException("not a full agent");

    public IceLiteResponder Lite => lite ?? throw new InvalidOperationException("not a lite responder");

    public List<(long AtNs, IceEvent Event)> Events { get; } = [];

    public long Unreachable { get; private set; }

    /// <summary>Where this side sends data now, or null.</summary>
    public IPEndPoint? Selected => agent is not null ? agent.SelectedEndpoint : lite!.SelectedEndpoint;

    public long NextTimeoutNs => agent?.NextTimeoutNs ?? lite!.NextTimeoutNs;

    public void HandleInput(long nowNs, ReadOnlySpan<byte> packet)
    {
        if (agent is not null)
        {
            agent.HandleDatagram(nowNs, packet, peer);
        }
        else
        {
            lite!.HandleDatagram(nowNs, packet, peer);
        }

        DrainEvents(nowNs);
    }

    public void HandleTimeout(long nowNs)
    {
        if (agent is not null)
        {
            agent.HandleTimeout(nowNs);
        }
        else
        {
            lite!.HandleTimeout(nowNs);
        }

        DrainEvents(nowNs);
    }

    public bool TryPollTransmit(out byte[] packet)
    {
        while (agent is not null ? agent.TryPollTransmit(out var t) : lite!.TryPollTransmit(out t))
        {
            if (t.Destination.Equals(peer))
            {
                packet = t.Payload;
                return true;
            }

            Unreachable++;
        }

        packet = [];
        return false;
    }

    public void DrainEvents(long nowNs)
    {
        while (agent is not null ? agent.TryPollEvent(out var e) : lite!.TryPollEvent(out e))
        {
            Events.Add((nowNs, e));
        }
    }
}
