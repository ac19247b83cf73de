using System.Net;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// A datagram a sans-IO core wants sent: where to, and the bytes. The receiver must treat the payload as read-only
/// (a retransmission may hand out the same array again). <see cref="Local"/> is the local candidate to send it from
/// (an <see cref="IceAgent"/> id: <see cref="IceAgent.HostCandidate"/> is the socket itself, others e.g. a TURN relay).
/// </summary>
public readonly record struct Transmit(IPEndPoint Destination, byte[] Payload, int Local = IceAgent.HostCandidate);
