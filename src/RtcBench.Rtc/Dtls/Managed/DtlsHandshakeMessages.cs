namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Codecs of the handshake bodies other than the hellos (RFC 5246 §7.4, RFC 4492 §5 for ECDHE, RFC 6347 §4.2.1 for
/// HelloVerifyRequest). Readers never throw; they return false on anything malformed or trailing.
/// </summary>
internal static class DtlsHandshakeMessages
{
    /// <summary>HelloVerifyRequest: server_version ‖ cookie&lt;0..255&gt; (RFC 6347 §4.2.1: version 1.0 on the wire is allowed).</summary>
    internal static byte[] WriteHelloVerifyRequest(ReadOnlySpan<byte> cookie) =>
        new DtlsHandshakeWriter().U16(DtlsHandshakeType.Dtls10).Begin(1).Bytes(cookie).End().ToArray();

    internal static bool TryReadHelloVerifyRequest(ReadOnlySpan<byte> body, out byte[] cookie)
    {
        var r = new DtlsHandshakeReader(body);
        r.U16();
        cookie = r.Vector(1).ToArray();
        return r.Ok;
    }

    /// <summary>Certificate: certificate_list&lt;0..2^24-1&gt; of ASN.1Cert&lt;1..2^24-1&gt; (ours: one, or none).</summary>
    internal static byte[] WriteCertificate(ReadOnlySpan<byte> der)
    {
        var w = new DtlsHandshakeWriter().Begin(3);
        if (!der.IsEmpty)
        {
            w.Begin(3).Bytes(der).End();
        }

        return w.End().ToArray();
    }

    /// <summary>The end-entity certificate (the first), or an empty array when the list is empty.</summary>
    internal static bool TryReadCertificate(ReadOnlySpan<byte> body, out byte[] endEntity)
    {
        endEntity = [];
        var r = new DtlsHandshakeReader(body);
        var list = r.Vector(3);
        if (!r.Ok)
        {
            return false;
        }

        var c = new DtlsHandshakeReader(list);
        bool first = true;
        while (c.Remaining > 0)
        {
            var cert = c.Vector(3);
            if (c.Failed || cert.IsEmpty)
            {
                return false;
            }

            if (first)
            {
                endEntity = cert.ToArray();
                first = false;
            }
        }

        return true;
    }

    /// <summary>The ServerECDHParams (RFC 4492 §5.4): named_curve(3) ‖ secp256r1 ‖ point&lt;1..255&gt;; what the signature covers after the randoms.</summary>
    internal static byte[] WriteEcdhParams(ReadOnlySpan<byte> point) =>
        new DtlsHandshakeWriter().U8(DtlsHandshakeType.NamedCurve).U16(DtlsHandshakeType.Secp256r1).Begin(1).Bytes(point).End().ToArray();

    /// <summary>ServerKeyExchange = params ‖ SignatureAndHashAlgorithm ‖ signature&lt;0..2^16-1&gt;.</summary>
    internal static byte[] WriteServerKeyExchange(ReadOnlySpan<byte> ecdhParams, int signatureScheme, ReadOnlySpan<byte> signature) =>
        new DtlsHandshakeWriter().Bytes(ecdhParams).U16(signatureScheme).Begin(2).Bytes(signature).End().ToArray();

    internal static bool TryReadServerKeyExchange(ReadOnlySpan<byte> body, out byte[] ecdhParams, out byte[] point, out int curve, out int scheme, out byte[] signature)
    {
        var r = new DtlsHandshakeReader(body);
        int curveType = r.U8();
        curve = r.U16();
        point = r.Vector(1).ToArray();
        int paramsLength = 3 + 1 + point.Length;
        scheme = r.U16();
        signature = r.Vector(2).ToArray();
        ecdhParams = r.Ok && curveType == DtlsHandshakeType.NamedCurve ? body[..paramsLength].ToArray() : [];
        return ecdhParams.Length > 0;
    }

    /// <summary>CertificateRequest: types ecdsa_sign, signature algorithms ecdsa_secp256r1_sha256, no authorities.</summary>
    internal static byte[] WriteCertificateRequest() =>
        new DtlsHandshakeWriter()
            .Begin(1).U8(DtlsHandshakeType.EcdsaSign).End()
            .Begin(2).U16(DtlsHandshakeType.EcdsaSecp256r1Sha256).End()
            .Begin(2).End()
            .ToArray();

    internal static bool TryReadCertificateRequest(ReadOnlySpan<byte> body, out bool ecdsaSha256)
    {
        var r = new DtlsHandshakeReader(body);
        r.Vector(1);
        var schemes = r.Vector(2);
        r.Vector(2);
        ecdsaSha256 = false;
        for (int i = 0; r.Ok && i + 1 < schemes.Length; i += 2)
        {
            ecdsaSha256 |= ((schemes[i] << 8) | schemes[i + 1]) == DtlsHandshakeType.EcdsaSecp256r1Sha256;
        }

        return r.Ok;
    }

    /// <summary>ClientKeyExchange for ECDHE: ecdh_Yc&lt;1..255&gt; (RFC 4492 §5.7).</summary>
    internal static byte[] WriteClientKeyExchange(ReadOnlySpan<byte> point) =>
        new DtlsHandshakeWriter().Begin(1).Bytes(point).End().ToArray();

    internal static bool TryReadClientKeyExchange(ReadOnlySpan<byte> body, out byte[] point)
    {
        var r = new DtlsHandshakeReader(body);
        point = r.Vector(1).ToArray();
        return r.Ok && point.Length > 0;
    }

    /// <summary>CertificateVerify / a digitally-signed struct: SignatureAndHashAlgorithm ‖ signature&lt;0..2^16-1&gt;.</summary>
    internal static byte[] WriteSigned(int scheme, ReadOnlySpan<byte> signature) =>
        new DtlsHandshakeWriter().U16(scheme).Begin(2).Bytes(signature).End().ToArray();

    internal static bool TryReadSigned(ReadOnlySpan<byte> body, out int scheme, out byte[] signature)
    {
        var r = new DtlsHandshakeReader(body);
        scheme = r.U16();
        signature = r.Vector(2).ToArray();
        return r.Ok;
    }
}
