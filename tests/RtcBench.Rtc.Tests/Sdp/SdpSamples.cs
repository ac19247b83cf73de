namespace RtcBench.Rtc.Tests.Sdp;

/// <summary>
/// Hand-written descriptions in the shapes the peers we target send (no captured bytes: written from the shapes in
/// PROTOCOLS.md §1–2 and the RFCs). Lines end in CRLF unless a test converts them.
/// </summary>
internal static class SdpSamples
{
    public const string ChromiumFingerprint =
        "DD:F8:D3:10:D2:16:93:30:8B:1E:D6:55:3E:49:72:C3:80:73:53:7B:65:6B:6E:8B:95:F6:35:B2:B1:29:AA:56";

    public const string JanusFingerprint =
        "85:0C:A8:E0:EC:3F:21:06:B6:A2:30:CD:36:A8:6C:F1:63:B3:B0:05:DD:2B:6C:94:EA:FA:F6:04:CB:DF:03:A8";

    public const string LiveKitFingerprint =
        "25:BF:6A:1D:98:29:FB:0E:7B:6A:81:4B:44:0A:73:C5:96:3B:A0:1C:08:CD:10:6E:0F:54:07:9B:B2:31:38:24";

    public const string OurFingerprint =
        "AE:0B:EC:9E:9D:33:C5:63:54:BD:61:2C:8A:60:10:84:03:24:FC:5B:97:86:CE:0A:18:B6:96:B3:04:B0:93:97";

    /// <summary>Chromium 156 <c>pc.createDataChannel()</c> then <c>createOffer()</c> after gathering, mDNS host candidate.</summary>
    public static readonly string ChromiumOffer = Crlf(
        "v=0",
        "o=- 4215775240449105457 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 0.0.0.0",
        "a=candidate:1467250027 1 udp 2122260223 3b2f6c1e-0f7a-4e7c-9a45-9b8d1c2e3f40.local 53841 typ host generation 0 network-id 1",
        "a=ice-ufrag:8hhY",
        "a=ice-pwd:asd88fgpdd777uzjYhagZg3v",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 " + ChromiumFingerprint,
        "a=setup:actpass",
        "a=mid:0",
        "a=sctp-port:5000",
        "a=max-message-size:262144");

    /// <summary>Janus 1.1.2 (TextRoom "setup"): full ICE, half trickle (candidates and end-of-candidates inside),
    /// fingerprint at session level, an srflx candidate with raddr/rport.</summary>
    public static readonly string JanusOffer = Crlf(
        "v=0",
        "o=- 1721914181823469 1 IN IP4 127.0.0.2",
        "s=Janus TextRoom plugin",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 " + JanusFingerprint,
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS *",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 127.0.0.2",
        "a=sendrecv",
        "a=sctp-port:5000",
        "a=mid:0",
        "a=ice-ufrag:Fh2b",
        "a=ice-pwd:t1y4QyLsWqBz2h3Kx9aQzN",
        "a=ice-options:trickle",
        "a=setup:actpass",
        "a=candidate:1 1 udp 2015363327 127.0.0.2 42131 typ host",
        "a=candidate:2 1 udp 1679819007 203.0.113.7 42131 typ srflx raddr 127.0.0.2 rport 42131",
        "a=end-of-candidates");

    /// <summary>Janus answering a legacy offer, as ICE-lite (<c>janus -I</c>): <c>DTLS/SCTP 5000</c> with
    /// <c>a=sctpmap</c>, no max-message-size, <c>a=setup:active</c>.</summary>
    public static readonly string JanusLegacyLiteAnswer = Crlf(
        "v=0",
        "o=- 3461295849 2 IN IP4 127.0.0.2",
        "s=-",
        "t=0 0",
        "a=ice-lite",
        "a=group:BUNDLE data",
        "a=fingerprint:sha-256 " + JanusFingerprint,
        "a=msid-semantic: WMS janus",
        "m=application 42131 DTLS/SCTP 5000",
        "c=IN IP4 127.0.0.2",
        "a=mid:data",
        "a=sctpmap:5000 webrtc-datachannel 16",
        "a=ice-ufrag:Fh2b",
        "a=ice-pwd:t1y4QyLsWqBz2h3Kx9aQzN",
        "a=setup:active",
        "a=candidate:1 1 udp 2015363327 127.0.0.2 42131 typ host",
        "a=candidate:2 1 udp 1679819007 203.0.113.7 42131 typ srflx raddr 127.0.0.2 rport 42131",
        "a=end-of-candidates");

    /// <summary>LiveKit (pion) answering a data-only publisher offer: ICE-lite configured, session-level fingerprint,
    /// UDP mux and ICE-TCP passive candidates, no max-message-size (LF line ends, as some JSON carries them).</summary>
    public static readonly string LiveKitAnswer = string.Join('\n',
        "v=0",
        "o=- 7195484443476137542 1732230000 IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "a=msid-semantic:WMS*",
        "a=fingerprint:sha-256 " + LiveKitFingerprint,
        "a=ice-lite",
        "a=extmap-allow-mixed",
        "a=group:BUNDLE 0",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 0.0.0.0",
        "a=setup:active",
        "a=mid:0",
        "a=sendrecv",
        "a=sctp-port:5000",
        "a=ice-ufrag:QvZTyvEAuWbRiOBk",
        "a=ice-pwd:hUUEaVrgSlTxBmPCqrVZGoAbPhGDmWHR",
        "a=candidate:3364453412 1 udp 2130706431 127.0.0.1 7882 typ host",
        "a=candidate:1975347322 1 tcp 1671430143 127.0.0.1 7881 typ host tcptype passive",
        "a=end-of-candidates",
        "");

    /// <summary>An offer with audio and video next to the data section (what a browser app with media would send).</summary>
    public static readonly string ChromiumOfferWithMedia = Crlf(
        "v=0",
        "o=- 5017208383217049871 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1 2",
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 63",
        "c=IN IP4 0.0.0.0",
        "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:8hhY",
        "a=ice-pwd:asd88fgpdd777uzjYhagZg3v",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 " + ChromiumFingerprint,
        "a=setup:actpass",
        "a=mid:0",
        "a=sendrecv",
        "a=rtcp-mux",
        "a=rtpmap:111 opus/48000/2",
        "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=rtpmap:63 red/48000/2",
        "m=video 9 UDP/TLS/RTP/SAVPF 96",
        "c=IN IP4 0.0.0.0",
        "b=AS:2500",
        "a=ice-ufrag:8hhY",
        "a=ice-pwd:asd88fgpdd777uzjYhagZg3v",
        "a=fingerprint:sha-256 " + ChromiumFingerprint,
        "a=setup:actpass",
        "a=mid:1",
        "a=rtpmap:96 VP8/90000",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 0.0.0.0",
        "a=ice-ufrag:8hhY",
        "a=ice-pwd:asd88fgpdd777uzjYhagZg3v",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 " + ChromiumFingerprint,
        "a=setup:actpass",
        "a=mid:2",
        "a=sctp-port:5000",
        "a=max-message-size:262144");

    public static string Crlf(params string[] lines) => string.Join("\r\n", lines) + "\r\n";
}
