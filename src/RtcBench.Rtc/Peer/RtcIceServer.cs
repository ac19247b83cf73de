namespace RtcBench.Rtc.Peer;

/// <summary>
/// An ICE server as RTCIceServer describes it (W3C WebRTC §4.2.1): URLs (<c>turn:host:port?transport=udp</c>,
/// <c>turns:…</c>, <c>stun:…</c>), and for TURN the long-term credential. What we use: the first <c>turn:</c> URL
/// with UDP transport (see <see cref="IceServerUrl"/>); the rest is skipped and said so in
/// <see cref="PeerConnection.RelayStatus"/>. The credential is a secret: <see cref="ToString"/> leaves it out.
/// </summary>
public sealed record RtcIceServer(IReadOnlyList<string> Urls, string? Username = null, string? Credential = null)
{
    public override string ToString() =>
        $"RtcIceServer {{ Urls = {string.Join(' ', Urls)}, Username = {Username}, Credential = {(Credential is null ? "(none)" : "***")} }}";
}
