using System.Net;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// A datagram a sans-IO core wants sent: where to, and the bytes. The receiver must treat the payload as read-only
/// (a retransmission may hand out the same array again).
/// </summary>
public readonly record struct Transmit(IPEndPoint Destination, byte[] Payload);
