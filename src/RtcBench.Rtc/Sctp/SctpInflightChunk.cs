namespace RtcBench.Rtc.Sctp;

/// <summary>
/// A DATA chunk that has a TSN and is not yet covered by the peer's cumulative TSN ack. Pooled by
/// <see cref="SctpSender"/> together with its <see cref="DataChunk"/>.
/// </summary>
internal sealed class SctpInflightChunk
{
    public long Tsn { get; private set; }

    public DataChunk Chunk { get; } = new();

    public SctpOutboundMessage Message { get; private set; } = null!;

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

    public void Init(long tsn, SctpOutboundMessage message, long sentAtNs)
    {
        Tsn = tsn;
        Message = message;
        SentAtNs = sentAtNs;
        Transmissions = 1;
        Acked = false;
        MarkedForRetransmit = false;
        FastRetransmitted = false;
        MissReports = 0;
        Abandoned = false;
        InFlight = false;
    }

    public void Clear()
    {
        Message = null!;
        Chunk.UserData = default;
    }
}
