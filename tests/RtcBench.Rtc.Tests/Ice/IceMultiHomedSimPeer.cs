using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// A full <see cref="IceAgent"/> with one address per local candidate (<paramref name="addresses"/>[id]) on one end of
/// a <see cref="SimulatedNetwork"/> whose other end has <paramref name="peerAddresses"/>. The link carries one
/// datagram per packet prefixed with two bytes, the source and destination address index, so the receiver knows which
/// of the peer's addresses a datagram came from and which of its own candidates it reached. A transmit to an address
/// the peer does not have is dropped and counted in <see cref="Unreachable"/>.
/// </summary>
internal sealed class IceMultiHomedSimPeer(IReadOnlyList<IPEndPoint> addresses, IReadOnlyList<IPEndPoint> peerAddresses, IceAgent agent)
    : ISimEndpoint
{
    public IReadOnlyList<IPEndPoint> Addresses { get; } = addresses;

    public IceAgent Agent { get; } = agent;

    /// <summary>Selected events: the remote endpoint and the local address.</summary>
    public List<(long AtNs, IPEndPoint Remote, IPEndPoint Local)> Selections { get; } = [];

    public long Unreachable { get; private set; }

    public long NextTimeoutNs => Agent.NextTimeoutNs;

    /// <summary>Our address of the selected pair, or null.</summary>
    public IPEndPoint? SelectedLocal => Agent.SelectedLocal >= 0 ? Addresses[Agent.SelectedLocal] : null;

    public void HandleInput(long nowNs, ReadOnlySpan<byte> packet)
    {
        Agent.HandleDatagram(nowNs, packet[2..], peerAddresses[packet[0]], local: packet[1]);
        Drain(nowNs);
    }

    public void HandleTimeout(long nowNs)
    {
        Agent.HandleTimeout(nowNs);
        Drain(nowNs);
    }

    public bool TryPollTransmit(out byte[] packet)
    {
        while (Agent.TryPollTransmit(out var t))
        {
            int to = IndexOf(peerAddresses, t.Destination);
            if (to < 0)
            {
                Unreachable++;
                continue;
            }

            packet = new byte[t.Payload.Length + 2];
            packet[0] = (byte)t.Local;
            packet[1] = (byte)to;
            t.Payload.CopyTo(packet, 2);
            return true;
        }

        packet = [];
        return false;
    }

    private void Drain(long nowNs)
    {
        while (Agent.TryPollEvent(out var e))
        {
            if (e.Kind == IceEventKind.Selected)
            {
                Selections.Add((nowNs, e.Endpoint!, Addresses[e.Local]));
            }
        }
    }

    private static int IndexOf(IReadOnlyList<IPEndPoint> list, IPEndPoint endpoint)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Equals(endpoint))
            {
                return i;
            }
        }

        return -1;
    }
}
