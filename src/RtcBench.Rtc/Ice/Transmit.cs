using System.Net;

namespace RtcBench.Rtc.Ice;

/// <summary>A datagram a sans-IO core wants sent: where to, and the bytes (owned by the receiver of this value).</summary>
public readonly record struct Transmit(IPEndPoint Destination, byte[] Payload);
