using System.Net;

namespace RtcBench.Rtc.Peer;

/// <summary>The selected ICE candidate pair: our host candidate and the remote one (host, srflx, relay or prflx).</summary>
public sealed record CandidatePairInfo(IPEndPoint Local, IPEndPoint Remote, string RemoteType, bool Nominated)
{
    public override string ToString() => $"host {Local} <-> {RemoteType} {Remote}{(Nominated ? " (nominated)" : "")}";
}
