using System.Globalization;

namespace RtcBench.Rtc.Dtls;

/// <summary>The alert descriptions the managed handshake sends (RFC 5246 §7.2.2), and the names of all of them.</summary>
internal static class DtlsAlerts
{
    internal const int CloseNotify = 0;
    internal const int UnexpectedMessage = 10;
    internal const int BadRecordMac = 20;
    internal const int HandshakeFailure = 40;
    internal const int BadCertificate = 42;
    internal const int IllegalParameter = 47;
    internal const int DecodeError = 50;
    internal const int DecryptError = 51;
    internal const int ProtocolVersion = 70;
    internal const int InternalError = 80;

    /// <summary>"name(number)", e.g. "handshake_failure(40)"; "UNKNOWN(n)" for a number no TLS registry names.</summary>
    internal static string Describe(int description) =>
        $"{Name(description) ?? "UNKNOWN"}({description.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>The TLS Alert Registry's name of <paramref name="description"/> (RFC 5246, 6066, 7301, 7507, 8446), or null.</summary>
    private static string? Name(int description) => description switch
    {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => null,
    };
}
