namespace RtcBench.Rtc.Sctp;

/// <summary>Error cause codes carried in ABORT and ERROR chunks (RFC 9260 §3.3.10).</summary>
public static class SctpErrorCauseCode
{
    public const ushort InvalidStreamIdentifier = 1;
    public const ushort MissingMandatoryParameter = 2;
    public const ushort StaleCookie = 3;
    public const ushort OutOfResource = 4;
    public const ushort UnresolvableAddress = 5;
    public const ushort UnrecognizedChunkType = 6;
    public const ushort InvalidMandatoryParameter = 7;
    public const ushort UnrecognizedParameters = 8;
    public const ushort NoUserData = 9;
    public const ushort CookieReceivedWhileShuttingDown = 10;
    public const ushort RestartWithNewAddresses = 11;
    public const ushort UserInitiatedAbort = 12;
    public const ushort ProtocolViolation = 13;
}
