namespace RtcBench.Rtc.Dtls;

/// <summary>Facts about each <see cref="DtlsSrtpProfile"/>: its IANA name and its master key and salt lengths.</summary>
internal static class DtlsSrtpProfiles
{
    /// <summary>What we offer (as client) and select from (as server) by default, best first.</summary>
    internal static readonly IReadOnlyList<DtlsSrtpProfile> Default =
        Array.AsReadOnly(new[] { DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80 });

    internal static bool IsSupported(DtlsSrtpProfile profile) =>
        profile is DtlsSrtpProfile.AeadAes128Gcm or DtlsSrtpProfile.Aes128CmHmacSha1_80;

    /// <summary>
    /// The IANA name (RFC 5764 §4.1.2, RFC 7714 §14.2), or "none"; also for the profiles we do not support but peers
    /// may offer or (wrongly) select, so that failure messages name them.
    /// </summary>
    internal static string Name(DtlsSrtpProfile profile) => (int)profile switch
    {
        0 => "none",
        0x0001 => "SRTP_AES128_CM_HMAC_SHA1_80",
        0x0002 => "SRTP_AES128_CM_HMAC_SHA1_32",
        0x0005 => "SRTP_NULL_HMAC_SHA1_80",
        0x0006 => "SRTP_NULL_HMAC_SHA1_32",
        0x0007 => "SRTP_AEAD_AES_128_GCM",
        0x0008 => "SRTP_AEAD_AES_256_GCM",
        _ => "0x" + ((int)profile).ToString("X4", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The SRTP master key length in bytes (both supported profiles use AES-128).</summary>
    internal static int MasterKeyLength(DtlsSrtpProfile profile) => profile switch
    {
        DtlsSrtpProfile.AeadAes128Gcm or DtlsSrtpProfile.Aes128CmHmacSha1_80 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Not a supported SRTP profile."),
    };

    /// <summary>The SRTP master salt length in bytes: 12 for AEAD_AES_128_GCM (RFC 7714 §12), 14 for AES-CM (RFC 3711).</summary>
    internal static int MasterSaltLength(DtlsSrtpProfile profile) => profile switch
    {
        DtlsSrtpProfile.AeadAes128Gcm => 12,
        DtlsSrtpProfile.Aes128CmHmacSha1_80 => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "Not a supported SRTP profile."),
    };

    /// <summary>How many bytes the exporter must produce: client and server key, then client and server salt.</summary>
    internal static int KeyingMaterialLength(DtlsSrtpProfile profile) => 2 * (MasterKeyLength(profile) + MasterSaltLength(profile));
}
