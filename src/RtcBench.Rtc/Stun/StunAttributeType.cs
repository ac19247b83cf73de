namespace RtcBench.Rtc.Stun;

/// <summary>
/// Attribute type codes (RFC 8489 §18.3, ICE: RFC 8445 §16.1). Types below 0x8000 are comprehension-required:
/// a request carrying one we do not understand is answered 420 (RFC 8489 §6.3.1).
/// </summary>
public static class StunAttributeType
{
    public const ushort MappedAddress = 0x0001;
    public const ushort Username = 0x0006;
    public const ushort MessageIntegrity = 0x0008;
    public const ushort ErrorCode = 0x0009;
    public const ushort UnknownAttributes = 0x000A;

    /// <summary>TURN CHANNEL-NUMBER (RFC 8656 §18.1).</summary>
    public const ushort ChannelNumber = 0x000C;

    /// <summary>TURN LIFETIME (RFC 8656 §18.2).</summary>
    public const ushort Lifetime = 0x000D;

    /// <summary>TURN XOR-PEER-ADDRESS (RFC 8656 §18.3).</summary>
    public const ushort XorPeerAddress = 0x0012;

    /// <summary>TURN DATA (RFC 8656 §18.4).</summary>
    public const ushort Data = 0x0013;
    public const ushort Realm = 0x0014;
    public const ushort Nonce = 0x0015;

    /// <summary>TURN XOR-RELAYED-ADDRESS (RFC 8656 §18.5).</summary>
    public const ushort XorRelayedAddress = 0x0016;

    /// <summary>TURN REQUESTED-TRANSPORT (RFC 8656 §18.7).</summary>
    public const ushort RequestedTransport = 0x0019;

    /// <summary>TURN DONT-FRAGMENT (RFC 8656 §18.8).</summary>
    public const ushort DontFragment = 0x001A;
    public const ushort MessageIntegritySha256 = 0x001C;
    public const ushort PasswordAlgorithm = 0x001D;
    public const ushort UserHash = 0x001E;
    public const ushort XorMappedAddress = 0x0020;
    public const ushort Priority = 0x0024;
    public const ushort UseCandidate = 0x0025;
    public const ushort PasswordAlgorithms = 0x8002;
    public const ushort AlternateDomain = 0x8003;
    public const ushort Software = 0x8022;
    public const ushort AlternateServer = 0x8023;
    public const ushort Fingerprint = 0x8028;
    public const ushort IceControlled = 0x8029;
    public const ushort IceControlling = 0x802A;

    /// <summary>Chromium's GOOG-NETWORK-INFO (comprehension-optional, ignored by us).</summary>
    public const ushort GoogNetworkInfo = 0xC057;

    public static bool IsComprehensionRequired(ushort type) => type < 0x8000;

    /// <summary>
    /// Whether this library understands the attribute. Long-term-credential attributes (REALM, NONCE, USERHASH,
    /// PASSWORD-ALGORITHM) and TURN attributes are not: ICE uses short-term credentials only. (The TURN client reads
    /// them itself; it never answers requests, so this list only decides what ICE answers 420 to.)
    /// </summary>
    public static bool IsUnderstood(ushort type) => type switch
    {
        MappedAddress or Username or MessageIntegrity or ErrorCode or UnknownAttributes or MessageIntegritySha256
            or XorMappedAddress or Priority or UseCandidate or Software or Fingerprint or IceControlled
            or IceControlling => true,
        _ => false,
    };
}
