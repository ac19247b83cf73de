namespace RtcBench.Rtc.Sctp;

/// <summary>
/// A user message waiting to be (or being) fragmented onto DATA chunks. Pooled by <see cref="SctpSender"/>: its
/// bytes live in a buffer rented from the shared array pool, and it goes back to the pool once it is fully
/// fragmented, out of the send queue and none of its chunks is in flight any more.
/// </summary>
internal sealed class SctpOutboundMessage
{
    public ushort StreamId { get; private set; }

    public uint Ppid { get; private set; }

    /// <summary>Rented; the message occupies its first <see cref="Length"/> bytes.</summary>
    public byte[] Buffer { get; private set; } = [];

    public int Length { get; private set; }

    public bool Ordered { get; private set; }

    /// <summary>−1 means fully reliable.</summary>
    public int MaxRetransmits { get; private set; }

    public long ExpiresAtNs { get; private set; }

    /// <summary>Bytes already cut into DATA chunks.</summary>
    public int Offset { get; set; }

    /// <summary>True once the first fragment got its TSN (and, if ordered, its SSN).</summary>
    public bool Started { get; set; }

    public ushort Ssn { get; set; }

    public bool Abandoned { get; set; }

    /// <summary>Still in the sender's queue.</summary>
    public bool Queued { get; set; }

    /// <summary>DATA chunks of this message in the retransmission queue.</summary>
    public int ChunksOutstanding { get; set; }

    public bool IsPartiallyReliable => MaxRetransmits >= 0 || ExpiresAtNs != RtcTime.Never;

    /// <summary>Done with: nothing refers to it (or its buffer) any more.</summary>
    public bool IsReleasable => !Queued && ChunksOutstanding == 0 && Offset >= Length;

    public void Init(ushort streamId, uint ppid, byte[] buffer, int length, SendOptions options, long expiresAtNs)
    {
        StreamId = streamId;
        Ppid = ppid;
        Buffer = buffer;
        Length = length;
        Ordered = options.Ordered;
        MaxRetransmits = options.MaxRetransmits ?? -1;
        ExpiresAtNs = expiresAtNs;
        Offset = 0;
        Started = false;
        Ssn = 0;
        Abandoned = false;
        Queued = false;
        ChunksOutstanding = 0;
    }

    /// <summary>Forgets the buffer (the caller returns it to the pool).</summary>
    public byte[] Clear()
    {
        var buffer = Buffer;
        Buffer = [];
        Length = 0;
        return buffer;
    }
}
