namespace RtcBench.Rtc.Sctp;

/// <summary>Parameter types: RFC 9260 §3.3.2.1, RFC 3758 §3.1, RFC 5061 §4.2.7 (supported extensions), RFC 6525 §4.</summary>
internal static class SctpParameterType
{
    public const ushort HeartbeatInfo = 1;
    public const ushort Ipv4Address = 5;
    public const ushort Ipv6Address = 6;
    public const ushort StateCookie = 7;
    public const ushort UnrecognizedParameter = 8;
    public const ushort CookiePreservative = 9;
    public const ushort HostNameAddress = 11;
    public const ushort SupportedAddressTypes = 12;
    public const ushort OutgoingSsnResetRequest = 13;
    public const ushort IncomingSsnResetRequest = 14;
    public const ushort SsnTsnResetRequest = 15;
    public const ushort ReconfigurationResponse = 16;
    public const ushort AddOutgoingStreamsRequest = 17;
    public const ushort AddIncomingStreamsRequest = 18;
    public const ushort ZeroChecksumAcceptable = 0x8001;
    public const ushort SupportedExtensions = 0x8008;
    public const ushort ForwardTsnSupported = 0xC000;
}
