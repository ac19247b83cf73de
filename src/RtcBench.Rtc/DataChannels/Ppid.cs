namespace RtcBench.Rtc.DataChannels;

/// <summary>
/// SCTP payload protocol identifiers used by WebRTC data channels (RFC 8831 §8, RFC 8832 §8.1). 52 and 54 (partial
/// string/binary) are deprecated: recognised on receipt, never sent.
/// </summary>
public static class Ppid
{
    public const uint Dcep = 50;
    public const uint String = 51;
    public const uint StringPartial = 52;
    public const uint Binary = 53;
    public const uint BinaryPartial = 54;
    public const uint StringEmpty = 56;
    public const uint BinaryEmpty = 57;

    public static bool IsText(uint ppid) => ppid is String or StringPartial or StringEmpty;

    public static bool IsBinary(uint ppid) => ppid is Binary or BinaryPartial or BinaryEmpty;

    /// <summary>A user message (text or binary), as opposed to DCEP or an unknown PPID.</summary>
    public static bool IsUserMessage(uint ppid) => IsText(ppid) || IsBinary(ppid);

    /// <summary>56 and 57: the message is empty, whatever the (single) payload byte says.</summary>
    public static bool IsEmptyMessage(uint ppid) => ppid is StringEmpty or BinaryEmpty;

    public static bool IsDeprecatedPartial(uint ppid) => ppid is StringPartial or BinaryPartial;
}
