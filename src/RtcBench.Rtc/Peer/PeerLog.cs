using Microsoft.Extensions.Logging;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// What <see cref="PeerConnection"/> logs (source-generated), through <see cref="PeerConnectionOptions.Logger"/>. Only
/// rare control-plane events: never per message, never SDP, ICE passwords or keys.
/// </summary>
internal static partial class PeerLog
{
    [LoggerMessage(1001, LogLevel.Information,
        "Data channel '{Label}' refused: the peer's DCEP OPEN names stream {StreamId}, which is {Reason}")]
    public static partial void DataChannelRefused(ILogger logger, string label, ushort streamId, string reason);

    [LoggerMessage(1002, LogLevel.Debug,
        "Data channel '{Label}' accepted on stream {StreamId}, of our parity (RFC 8832 gives the DTLS {Role} the other one); the peer picks ids its own way")]
    public static partial void DataChannelOnOurParity(ILogger logger, string label, ushort streamId, string role);
}
