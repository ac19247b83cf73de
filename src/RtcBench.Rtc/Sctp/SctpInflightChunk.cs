namespace RtcBench.Rtc.Sctp;

/// <summary>A DATA chunk that has a TSN and is not yet covered by the peer's cumulative TSN ack.</summary>
internal sealed class SctpInflightChunk(long tsn, DataChunk chunk, SctpOutboundMessage message)
{
    public long Tsn { get; } = tsn;

    public DataChunk Chunk { get; } = chunk;

    public SctpOutboundMessage Message { get; } = message;

    public int Bytes => Chunk.UserData.Length;

    public long SentAtNs { get; set; }

    public int Transmissions { get; set; }

    /// <summary>Reported in a gap ack block.</summary>
    public bool Acked { get; set; }

    public bool MarkedForRetransmit { get; set; }

    public bool FastRetransmitted { get; set; }

    public int MissReports { get; set; }

    public bool Abandoned { get; set; }

    /// <summary>Whether <see cref="Bytes"/> are currently counted in the flight size.</summary>
    public bool InFlight { get; set; }
}
