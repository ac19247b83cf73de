using RtcBench.Rtc.DataChannels;
using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Core;

/// <summary>One data channel of an <see cref="RtcCore"/> (read-only to the caller; the core changes it).</summary>
public sealed class RtcChannel
{
    internal RtcChannel(int id, string label, string protocol, bool ordered, int? maxRetransmits, int? maxPacketLifeTimeMs,
        bool negotiated, bool local)
    {
        Id = id;
        Label = label;
        Protocol = protocol;
        Ordered = ordered;
        MaxRetransmits = maxRetransmits;
        MaxPacketLifeTimeMs = maxPacketLifeTimeMs;
        Negotiated = negotiated;
        IsLocal = local;
        SendOptions = new SendOptions(ordered, maxRetransmits, maxPacketLifeTimeMs is { } ms ? ms * RtcTime.NsPerMs : null);
    }

    /// <summary>The handle events and inputs use (its index in the core's table; not the SCTP stream id).</summary>
    public int Id { get; }

    public string Label { get; }

    public string Protocol { get; }

    public bool Ordered { get; }

    public int? MaxRetransmits { get; }

    public int? MaxPacketLifeTimeMs { get; }

    public bool Negotiated { get; }

    /// <summary>Opened by us (rather than by the peer's DCEP OPEN).</summary>
    public bool IsLocal { get; }

    /// <summary>The SCTP stream, or -1 until one is allocated (DCEP channels: once the association is up).</summary>
    public int StreamId { get; internal set; } = -1;

    public RtcChannelState State { get; internal set; } = RtcChannelState.Connecting;

    public long MessagesSent { get; internal set; }

    public long MessagesReceived { get; internal set; }

    /// <summary>Sends refused: not open, the send buffer full, or over the peer's max-message-size.</summary>
    public long SendsRefused { get; internal set; }

    internal SendOptions SendOptions { get; }

    internal long OpenDeadlineNs { get; set; } = RtcTime.Never;

    internal bool LocalResetRequested { get; set; }

    internal bool LocalResetDone { get; set; }

    internal bool RemoteResetDone { get; set; }

    internal DataChannelType ChannelType =>
        (DataChannelType)((MaxRetransmits is not null ? 0x01 : MaxPacketLifeTimeMs is not null ? 0x02 : 0x00) | (Ordered ? 0 : 0x80));

    internal uint ReliabilityParameter => (uint)(MaxRetransmits ?? MaxPacketLifeTimeMs ?? 0);
}
