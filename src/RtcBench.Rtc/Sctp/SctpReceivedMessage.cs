namespace RtcBench.Rtc.Sctp;

/// <summary>
/// A complete received message as <see cref="SctpAssociation.TryPollEvent(out SctpEvent?, out SctpReceivedMessage)"/>
/// hands it out: its bytes live in a pooled buffer owned by the association and stay valid only until the next
/// TryPollEvent call. Copy what must outlive that.
/// </summary>
public readonly struct SctpReceivedMessage
{
    internal SctpReceivedMessage(ushort streamId, uint ppid, bool ordered, byte[] buffer, int length)
    {
        StreamId = streamId;
        Ppid = ppid;
        Ordered = ordered;
        Buffer = buffer;
        Length = length;
    }

    public ushort StreamId { get; }

    public uint Ppid { get; }

    public bool Ordered { get; }

    public int Length { get; }

    public ReadOnlySpan<byte> Data => Buffer.AsSpan(0, Length);

    /// <summary>The pooled buffer (null for a default value).</summary>
    internal byte[]? Buffer { get; }
}
