namespace RtcBench.Rtc.Dtls;

/// <summary>
/// A ClientHello (RFC 6347 §4.2.1: with the cookie) or ServerHello (RFC 5246 §7.4.1.3) body, and its extensions by
/// number. <see cref="TryReadClientHello"/> / <see cref="TryReadServerHello"/> never throw.
/// </summary>
internal sealed class DtlsHello
{
    internal int Version { get; init; }

    internal byte[] Random { get; init; } = [];

    internal byte[] SessionId { get; init; } = [];

    internal byte[] Cookie { get; init; } = [];

    /// <summary>ClientHello: the offered suites. ServerHello: the one selected.</summary>
    internal int[] CipherSuites { get; init; } = [];

    internal Dictionary<int, byte[]> Extensions { get; init; } = [];

    internal byte[] WriteClientHello()
    {
        var w = new DtlsHandshakeWriter().U16(Version).Bytes(Random);
        w.Begin(1).Bytes(SessionId).End();
        w.Begin(1).Bytes(Cookie).End();
        w.Begin(2);
        foreach (int suite in CipherSuites)
        {
            w.U16(suite);
        }

        w.End();
        w.Begin(1).U8(0).End(); // compression: null only
        WriteExtensions(w);
        return w.ToArray();
    }

    internal byte[] WriteServerHello()
    {
        var w = new DtlsHandshakeWriter().U16(Version).Bytes(Random);
        w.Begin(1).Bytes(SessionId).End();
        w.U16(CipherSuites[0]).U8(0);
        WriteExtensions(w);
        return w.ToArray();
    }

    internal static bool TryReadClientHello(ReadOnlySpan<byte> body, out DtlsHello hello)
    {
        hello = null!;
        var r = new DtlsHandshakeReader(body);
        int version = r.U16();
        var random = r.Bytes(DtlsHandshakeType.RandomLength).ToArray();
        var sessionId = r.Vector(1).ToArray();
        var cookie = r.Vector(1).ToArray();
        var suitesBytes = r.Vector(2);
        var compression = r.Vector(1);
        if (r.Failed || suitesBytes.Length % 2 != 0 || suitesBytes.Length == 0 || compression.IndexOf((byte)0) < 0 || sessionId.Length > 32)
        {
            return false;
        }

        var suites = new int[suitesBytes.Length / 2];
        for (int i = 0; i < suites.Length; i++)
        {
            suites[i] = (suitesBytes[2 * i] << 8) | suitesBytes[(2 * i) + 1];
        }

        if (!TryReadExtensions(ref r, out var extensions))
        {
            return false;
        }

        hello = new DtlsHello { Version = version, Random = random, SessionId = sessionId, Cookie = cookie, CipherSuites = suites, Extensions = extensions };
        return true;
    }

    internal static bool TryReadServerHello(ReadOnlySpan<byte> body, out DtlsHello hello)
    {
        hello = null!;
        var r = new DtlsHandshakeReader(body);
        int version = r.U16();
        var random = r.Bytes(DtlsHandshakeType.RandomLength).ToArray();
        var sessionId = r.Vector(1).ToArray();
        int suite = r.U16();
        int compression = r.U8();
        if (r.Failed || compression != 0 || sessionId.Length > 32 || !TryReadExtensions(ref r, out var extensions))
        {
            return false;
        }

        hello = new DtlsHello { Version = version, Random = random, SessionId = sessionId, CipherSuites = [suite], Extensions = extensions };
        return true;
    }

    /// <summary>RFC 5764 §4.1.1: UseSRTPData = profiles&lt;2..2^16-1&gt; ‖ srtp_mki&lt;0..255&gt;.</summary>
    internal static byte[] WriteUseSrtp(IEnumerable<DtlsSrtpProfile> profiles)
    {
        var w = new DtlsHandshakeWriter().Begin(2);
        foreach (var profile in profiles)
        {
            w.U16((int)profile);
        }

        return w.End().Begin(1).End().ToArray();
    }

    internal static bool TryReadUseSrtp(ReadOnlySpan<byte> data, out int[] profiles, out int mkiLength)
    {
        var r = new DtlsHandshakeReader(data);
        var list = r.Vector(2);
        mkiLength = r.Vector(1).Length;
        profiles = [];
        if (!r.Ok || list.Length % 2 != 0)
        {
            return false;
        }

        profiles = new int[list.Length / 2];
        for (int i = 0; i < profiles.Length; i++)
        {
            profiles[i] = (list[2 * i] << 8) | list[(2 * i) + 1];
        }

        return true;
    }

    /// <summary>True when a u16 list extension (supported_groups, signature_algorithms) holds <paramref name="value"/>.</summary>
    internal static bool ListContains(ReadOnlySpan<byte> extension, int value)
    {
        var r = new DtlsHandshakeReader(extension);
        var list = r.Vector(2);
        for (int i = 0; r.Ok && i + 1 < list.Length; i += 2)
        {
            if (((list[i] << 8) | list[i + 1]) == value)
            {
                return true;
            }
        }

        return false;
    }

    private void WriteExtensions(DtlsHandshakeWriter w)
    {
        if (Extensions.Count == 0)
        {
            return;
        }

        w.Begin(2);
        foreach (var (type, data) in Extensions)
        {
            w.U16(type).Begin(2).Bytes(data).End();
        }

        w.End();
    }

    private static bool TryReadExtensions(ref DtlsHandshakeReader r, out Dictionary<int, byte[]> extensions)
    {
        extensions = [];
        if (r.Remaining == 0)
        {
            return true; // no extensions block at all
        }

        var block = r.Vector(2);
        if (!r.Ok)
        {
            return false;
        }

        var e = new DtlsHandshakeReader(block);
        while (e.Remaining > 0)
        {
            int type = e.U16();
            var data = e.Vector(2);
            if (e.Failed || !extensions.TryAdd(type, data.ToArray()))
            {
                return false;
            }
        }

        return true;
    }
}
