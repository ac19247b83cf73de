namespace RtcBench.Rtc.DataChannels;

/// <summary>
/// The empty-message rule (RFC 8831 §6.6): SCTP cannot carry an empty user message, so an empty string or binary
/// message is sent as PPID 56/57 with a single 0x00 byte, and delivered as empty.
/// </summary>
public static class DataChannelPayload
{
    /// <summary>The single byte sent for an empty message.</summary>
    public static ReadOnlySpan<byte> EmptyMessageBody => [0x00];

    /// <summary>The PPID for an outgoing message: 51/53, or 56/57 when it is empty.</summary>
    public static uint SelectPpid(bool isText, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return (isText, length == 0) switch
        {
            (true, false) => Ppid.String,
            (true, true) => Ppid.StringEmpty,
            (false, false) => Ppid.Binary,
            (false, true) => Ppid.BinaryEmpty,
        };
    }

    /// <summary>The SCTP payload for a message: the message itself, or <see cref="EmptyMessageBody"/> when empty.</summary>
    public static ReadOnlySpan<byte> SelectBody(ReadOnlySpan<byte> message) => message.IsEmpty ? EmptyMessageBody : message;

    /// <summary>
    /// Interprets a received user message: text or binary, with the empty PPIDs delivering an empty message.
    /// False for DCEP (50) and unknown PPIDs, which the caller handles or drops. Never throws.
    /// </summary>
    public static bool TryDecode(uint ppid, ReadOnlySpan<byte> body, out bool isText, out ReadOnlySpan<byte> message)
    {
        isText = Ppid.IsText(ppid);
        message = default;
        if (!Ppid.IsUserMessage(ppid))
        {
            return false;
        }

        message = Ppid.IsEmptyMessage(ppid) ? ReadOnlySpan<byte>.Empty : body;
        return true;
    }
}
