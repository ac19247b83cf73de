namespace RtcBench.Rtc.Sctp;

/// <summary>Chunk type codes: RFC 9260 §3.2, RFC 3758 §3.2 (FORWARD-TSN), RFC 6525 §3.1 (RE-CONFIG).</summary>
internal static class SctpChunkType
{
    public const byte Data = 0;
    public const byte Init = 1;
    public const byte InitAck = 2;
    public const byte Sack = 3;
    public const byte Heartbeat = 4;
    public const byte HeartbeatAck = 5;
    public const byte Abort = 6;
    public const byte Shutdown = 7;
    public const byte ShutdownAck = 8;
    public const byte Error = 9;
    public const byte CookieEcho = 10;
    public const byte CookieAck = 11;
    public const byte ShutdownComplete = 14;
    public const byte ReConfig = 130;
    public const byte ForwardTsn = 192;

    /// <summary>
    /// RFC 9260 §3.2: the two high bits of an unrecognized chunk type say what to do. 00 stop and discard the
    /// packet; 01 stop, discard, report; 10 skip the chunk; 11 skip and report (in an ERROR chunk, cause 6).
    /// </summary>
    public static bool SkipUnknown(byte type) => (type & 0x80) != 0;

    public static bool ReportUnknown(byte type) => (type & 0x40) != 0;
}
