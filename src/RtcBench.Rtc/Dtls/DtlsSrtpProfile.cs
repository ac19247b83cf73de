using System.Diagnostics.CodeAnalysis;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The SRTP protection profiles we negotiate in the DTLS <c>use_srtp</c> extension (RFC 5764 §4.1.2), by their IANA
/// numbers. WebRTC stacks refuse a handshake that selects none (Janus, werift, Pion), even for data-only sessions.
/// </summary>
public enum DtlsSrtpProfile
{
    /// <summary>No profile was negotiated (the peer offered or selected none, or we offered none).</summary>
    None = 0,

    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764): 16-byte master key, 14-byte master salt.</summary>
    [SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Mirrors the IANA name's 80-bit tag.")]
    Aes128CmHmacSha1_80 = 0x0001,

    /// <summary>SRTP_AEAD_AES_128_GCM (RFC 7714): 16-byte master key, 12-byte master salt.</summary>
    AeadAes128Gcm = 0x0007,
}
