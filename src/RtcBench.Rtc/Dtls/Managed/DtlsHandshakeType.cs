namespace RtcBench.Rtc.Dtls;

/// <summary>Handshake message types (RFC 5246 §7.4, RFC 6347 §4.3.2) and the extension numbers we use.</summary>
internal static class DtlsHandshakeType
{
    internal const byte ClientHello = 1;
    internal const byte ServerHello = 2;
    internal const byte HelloVerifyRequest = 3;
    internal const byte Certificate = 11;
    internal const byte ServerKeyExchange = 12;
    internal const byte CertificateRequest = 13;
    internal const byte ServerHelloDone = 14;
    internal const byte CertificateVerify = 15;
    internal const byte ClientKeyExchange = 16;
    internal const byte Finished = 20;

    internal const int ExtSupportedGroups = 10;
    internal const int ExtEcPointFormats = 11;
    internal const int ExtSignatureAlgorithms = 13;
    internal const int ExtUseSrtp = 14;
    internal const int ExtExtendedMasterSecret = 23;
    internal const int ExtRenegotiationInfo = 0xFF01;

    internal const int Dtls12 = 0xFEFD;
    internal const int Dtls10 = 0xFEFF;
    internal const int Secp256r1 = 23;
    internal const int EcdsaSecp256r1Sha256 = 0x0403;
    internal const int EcdsaSecp384r1Sha384 = 0x0503;
    internal const int EcdsaSecp521r1Sha512 = 0x0603;
    internal const int EmptyRenegotiationInfoScsv = 0x00FF;
    internal const byte NamedCurve = 3;
    internal const byte EcdsaSign = 64;
    internal const int RandomLength = 32;

    /// <summary>The DTLS handshake header: type, length[3], message_seq[2], fragment_offset[3], fragment_length[3].</summary>
    internal const int HeaderLength = 12;
}
