using System.Net;

namespace RtcBench.Rtc.Turn;

/// <summary>
/// Something a <see cref="TurnClient"/> reports. <paramref name="Peer"/> is the peer of a permission, channel or
/// datagram (for permissions only the address matters); <paramref name="Data"/> the received bytes (owned by the
/// receiver); <paramref name="ErrorCode"/> the server's STUN error code, 0 for a timeout.
/// </summary>
public readonly record struct TurnEvent(
    TurnEventKind Kind,
    IPEndPoint? Peer = null,
    byte[]? Data = null,
    TurnError Error = TurnError.None,
    int ErrorCode = 0,
    ushort Channel = 0);
