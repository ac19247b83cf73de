namespace RtcBench.LiveKit.Data;

/// <summary>
/// The fields of a received <c>DataPacket</c> we use, as slices of the received bytes (valid only while they are).
/// <see cref="IsUser"/> is false for the other oneof values (chat, RPC, streams, transcriptions…), which we ignore.
/// </summary>
internal readonly ref struct DataPacketView
{
    public DataPacketView(bool isUser, int kind, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> senderIdentity, ReadOnlySpan<byte> senderSid, uint sequence)
    {
        IsUser = isUser;
        Kind = kind;
        Payload = payload;
        SenderIdentity = senderIdentity;
        SenderSid = senderSid;
        Sequence = sequence;
    }

    public bool IsUser { get; }

    /// <summary>The deprecated DataPacket.kind as written (0 reliable, 1 lossy); the channel it came on is what counts.</summary>
    public int Kind { get; }

    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>UTF-8 of DataPacket.participant_identity (as the server stamps it), else UserPacket.participant_identity.</summary>
    public ReadOnlySpan<byte> SenderIdentity { get; }

    public ReadOnlySpan<byte> SenderSid { get; }

    public uint Sequence { get; }
}
