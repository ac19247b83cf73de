using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// The state cookie we put in INIT-ACK (RFC 9260 §5.1.3): everything needed to build the association from the
/// COOKIE-ECHO, a creation timestamp, and an HMAC-SHA256 over those bytes keyed with a per-association secret, so
/// the INIT answer is stateless and a forged or stale cookie is refused (§5.1.5).
/// </summary>
internal sealed record SctpCookie(long CreatedNs, uint PeerTag, uint PeerInitialTsn, uint PeerReceiverWindow,
    ushort PeerOutboundStreams, ushort PeerInboundStreams, uint LocalTag, uint LocalInitialTsn, bool PeerForwardTsn,
    bool PeerReConfig)
{
    private const int BodyLength = 33;
    private const int MacLength = 32;
    public const int Length = BodyLength + MacLength;

    public byte[] Sign(byte[] secret)
    {
        var b = new byte[Length];
        var s = b.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(s, CreatedNs);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], PeerTag);
        BinaryPrimitives.WriteUInt32BigEndian(s[12..], PeerInitialTsn);
        BinaryPrimitives.WriteUInt32BigEndian(s[16..], PeerReceiverWindow);
        BinaryPrimitives.WriteUInt16BigEndian(s[20..], PeerOutboundStreams);
        BinaryPrimitives.WriteUInt16BigEndian(s[22..], PeerInboundStreams);
        BinaryPrimitives.WriteUInt32BigEndian(s[24..], LocalTag);
        BinaryPrimitives.WriteUInt32BigEndian(s[28..], LocalInitialTsn);
        s[32] = (byte)((PeerForwardTsn ? 1 : 0) | (PeerReConfig ? 2 : 0));
        HMACSHA256.HashData(secret, s[..BodyLength], s[BodyLength..]);
        return b;
    }

    /// <summary>
    /// Checks length, MAC (constant time) and age. Never throws. A cookie with a good MAC but past its lifetime
    /// is still parsed (so a duplicate COOKIE-ECHO of the current association can be recognised) but returns false.
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> cookie, byte[] secret, long nowNs, long lifetimeNs, out SctpCookie parsed)
    {
        parsed = null!;
        if (cookie.Length != Length)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(secret, cookie[..BodyLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, cookie[BodyLength..]))
        {
            return false;
        }

        var created = BinaryPrimitives.ReadInt64BigEndian(cookie);
        parsed = new SctpCookie(created,
            BinaryPrimitives.ReadUInt32BigEndian(cookie[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(cookie[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(cookie[16..]),
            BinaryPrimitives.ReadUInt16BigEndian(cookie[20..]),
            BinaryPrimitives.ReadUInt16BigEndian(cookie[22..]),
            BinaryPrimitives.ReadUInt32BigEndian(cookie[24..]),
            BinaryPrimitives.ReadUInt32BigEndian(cookie[28..]),
            (cookie[32] & 1) != 0,
            (cookie[32] & 2) != 0);
        return created <= nowNs && nowNs - created <= lifetimeNs;
    }
}
