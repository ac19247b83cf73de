namespace RtcBench.Rtc.Sctp;

/// <summary>A user message waiting to be (or being) fragmented onto DATA chunks.</summary>
internal sealed class SctpOutboundMessage(ushort streamId, uint ppid, byte[] data, SendOptions options, long expiresAtNs)
{
    public ushort StreamId { get; } = streamId;

    public uint Ppid { get; } = ppid;

    public byte[] Data { get; } = data;

    public bool Ordered { get; } = options.Ordered;

    /// <summary>−1 means fully reliable.</summary>
    public int MaxRetransmits { get; } = options.MaxRetransmits ?? -1;

    public long ExpiresAtNs { get; } = expiresAtNs;

    /// <summary>Bytes already cut into DATA chunks.</summary>
    public int Offset { get; set; }

    /// <summary>True once the first fragment got its TSN (and, if ordered, its SSN).</summary>
    public bool Started { get; set; }

    public ushort Ssn { get; set; }

    public bool Abandoned { get; set; }

    public bool IsPartiallyReliable => MaxRetransmits >= 0 || ExpiresAtNs != RtcTime.Never;
}
