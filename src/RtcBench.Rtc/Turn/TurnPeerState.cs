using System.Net;

namespace RtcBench.Rtc.Turn;

/// <summary>A permission (keyed by address) or channel binding (keyed by endpoint) and its refresh timer.</summary>
internal sealed class TurnPeerState(IPEndPoint peer, ushort channel)
{
    public IPEndPoint Peer { get; } = peer;

    /// <summary>The channel number; 0 for a permission.</summary>
    public ushort Channel { get; } = channel;

    /// <summary>The server confirmed it at least once.</summary>
    public bool Installed { get; set; }

    /// <summary>A CreatePermission/ChannelBind for it is outstanding.</summary>
    public bool Pending { get; set; }

    public long RefreshAtNs { get; set; } = RtcTime.Never;
}
