namespace RtcBench.Rtc.Sctp;

/// <summary>Counters of one association; bad network input is dropped and counted here.</summary>
public sealed class SctpStats
{
    public long PacketsReceived { get; internal set; }

    public long PacketsSent { get; internal set; }

    /// <summary>INIT chunks sent, retransmissions included (0 when the peer initiated and we only answered).</summary>
    public long InitsSent { get; internal set; }

    public long ChecksumErrors { get; internal set; }

    /// <summary>
    /// Chunks that failed to parse or broke a rule of their own format (e.g. an INIT with Initiate Tag 0); the rest of
    /// their packet is dropped. A handled chunk that ends its packet (INIT, INIT-ACK, ABORT) is not counted, nor a bad
    /// cookie (<see cref="BadCookies"/>).
    /// </summary>
    public long MalformedPackets { get; internal set; }

    /// <summary>The type of the last chunk counted in <see cref="MalformedPackets"/>; 0 when none was.</summary>
    public byte LastMalformedChunkType { get; internal set; }

    public long BadVerificationTags { get; internal set; }

    public long BadPorts { get; internal set; }

    public long UnknownChunks { get; internal set; }

    public long IgnoredChunks { get; internal set; }

    public long BadCookies { get; internal set; }

    public long DataChunksReceived { get; internal set; }

    /// <summary>DATA chunks with no user data (RFC 9260 §6.2): the first one aborts the association.</summary>
    public long NoUserDataChunks { get; internal set; }

    public long DuplicateTsnsReceived { get; internal set; }

    public long DataDroppedNoBuffer { get; internal set; }

    public long DataChunksSent { get; internal set; }

    public long Retransmissions { get; internal set; }

    public long FastRetransmits { get; internal set; }

    public long T3Expirations { get; internal set; }

    public long SacksSent { get; internal set; }

    public long SacksReceived { get; internal set; }

    public long GapBlocksReceived { get; internal set; }

    public long ForwardTsnsSent { get; internal set; }

    public long ForwardTsnsReceived { get; internal set; }

    public long MessagesAbandoned { get; internal set; }

    public long HeartbeatsSent { get; internal set; }

    public long MessagesDelivered { get; internal set; }
}
