using System.Net;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// The selected ICE candidate pair: our candidate (the host socket, or the TURN relayed address when
/// <see cref="LocalType"/> is <c>relay</c>) and the remote one (host, srflx, relay or prflx).
/// </summary>
public sealed record CandidatePairInfo(IPEndPoint Local, IPEndPoint Remote, string RemoteType, bool Nominated, string LocalType = "host")
{
    public override string ToString() => $"{LocalType} {Local} <-> {RemoteType} {Remote}{(Nominated ? " (nominated)" : "")}";
}
