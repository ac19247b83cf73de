namespace RtcBench.Agent.Platforms.Udp;

/// <summary>The <c>udp</c> platform's credentials: where to send framed pings and the room token (32 lower hex).</summary>
internal sealed record UdpRoomCredentials(string Host, int Port, string Token);
