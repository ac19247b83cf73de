using System.Net;

namespace RtcBench.Rtc.Core;

/// <summary>What <see cref="RtcCore.PollOutput"/> hands out, one at a time.</summary>
public enum RtcOutputKind
{
    /// <summary>Nothing else is pending: give <see cref="RtcInput.Timeout"/> at <see cref="RtcOutput.TimeoutNs"/> (<see cref="RtcTime.Never"/>: no deadline).</summary>
    Timeout,

    /// <summary>Send <see cref="RtcOutput.Data"/> as one datagram from <see cref="RtcOutput.Source"/> to <see cref="RtcOutput.Destination"/>.</summary>
    Transmit,

    /// <summary>ICE selected a pair (<see cref="RtcOutput.Destination"/>: the peer); the DTLS handshake starts.</summary>
    IceConnected,

    /// <summary>The DTLS handshake completed and the peer's certificate matched its fingerprint.</summary>
    DtlsConnected,

    /// <summary>SCTP is established: the session is up.</summary>
    Connected,

    /// <summary>Channel <see cref="RtcOutput.Channel"/> opened (ours on the peer's ACK or at once if negotiated; the peer's on its OPEN).</summary>
    ChannelOpen,

    /// <summary>A message on <see cref="RtcOutput.Channel"/>: <see cref="RtcOutput.Data"/>, <see cref="RtcOutput.IsText"/>, <see cref="RtcOutput.ReceivedNs"/>.</summary>
    Message,

    /// <summary>Channel <see cref="RtcOutput.Channel"/> closed (both stream directions reset, its open timed out, or the session ended).</summary>
    ChannelClosed,

    /// <summary>Terminal: <see cref="RtcOutput.Failure"/> says why.</summary>
    Failed,

    /// <summary>Terminal: closed in order, <see cref="RtcOutput.CloseReason"/> says how.</summary>
    Closed,

    /// <summary>
    /// A local candidate gathered after the start (<see cref="RtcOutput.Candidate"/>: the TURN relay, and a
    /// server-reflexive one when the server saw us at another address): signal it (trickle or the SDP).
    /// </summary>
    LocalCandidate,

    /// <summary>
    /// Gathering is done, once per core: at the start without TURN; else when the allocation succeeded, failed, or
    /// <see cref="RtcTurnOptions.GatheringTimeoutNs"/> passed, or the core ended. <see cref="RtcOutput.Status"/> says
    /// what became of the relay (<see cref="RtcCore.RelayStatus"/>). Signal end-of-candidates after it.
    /// </summary>
    GatheringComplete,
}

/// <summary>
/// One output of <see cref="RtcCore.PollOutput"/>. <see cref="Data"/> points into a buffer the core owns and reuses: it
/// is valid until the next <see cref="RtcCore.PollOutput"/>; send or copy it first. Calling
/// <see cref="RtcCore.HandleInput"/> meanwhile (an echo of a received message) is allowed.
/// </summary>
public readonly struct RtcOutput
{
    internal RtcOutput(RtcOutputKind kind, ReadOnlyMemory<byte> data = default, IPEndPoint? source = null, IPEndPoint? destination = null,
        int channel = -1, bool isText = false, long receivedNs = 0, long timeoutNs = 0, RtcFailureReason failure = default,
        RtcCloseReason closeReason = default, object? reference = null)
    {
        _reference = reference;
        Kind = kind;
        Data = data;
        Source = source;
        Destination = destination;
        Channel = channel;
        IsText = isText;
        ReceivedNs = receivedNs;
        TimeoutNs = timeoutNs;
        Failure = failure;
        CloseReason = closeReason;
    }

    private readonly object? _reference;

    public RtcOutputKind Kind { get; }

    /// <summary>Transmit: the datagram. Message: the message (empty for an empty message).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Transmit: the local address to send from (<see cref="RtcCoreOptions.LocalEndpoint"/>). IceConnected: our
    /// candidate of the selected pair (the TURN relayed address when relayed, else the local endpoint).</summary>
    public IPEndPoint? Source { get; }

    /// <summary>Transmit: where to send. IceConnected: the selected remote endpoint.</summary>
    public IPEndPoint? Destination { get; }

    /// <summary>ChannelOpen, Message, ChannelClosed: the channel id (<see cref="RtcCore.Channel"/>), else -1.</summary>
    public int Channel { get; }

    /// <summary>Message: text (PPID 51/56) rather than binary.</summary>
    public bool IsText { get; }

    /// <summary>Message: the time given with the datagram that completed it (the caller's receive timestamp).</summary>
    public long ReceivedNs { get; }

    /// <summary>Timeout: the next deadline, or <see cref="RtcTime.Never"/>.</summary>
    public long TimeoutNs { get; }

    /// <summary>Failed: why.</summary>
    public RtcFailureReason Failure { get; }

    /// <summary>Closed: how.</summary>
    public RtcCloseReason CloseReason { get; }

    /// <summary>LocalCandidate: the candidate, ready for the <c>Sdp/</c> builders (<c>ToTrickleString()</c>, <c>ToAttribute()</c>).</summary>
    public Sdp.IceCandidateLine? Candidate => _reference as Sdp.IceCandidateLine;

    /// <summary>GatheringComplete: what became of the relay ("no TURN server given", "relay 1.2.3.4:50000 via turn:…", or why not).</summary>
    public string? Status => _reference as string;

    public override string ToString() => Kind switch
    {
        RtcOutputKind.Timeout => $"Timeout {TimeoutNs}",
        RtcOutputKind.Transmit => $"Transmit {Data.Length} B {Source} -> {Destination}",
        RtcOutputKind.Message => $"Message ch{Channel} {Data.Length} B",
        RtcOutputKind.Failed => $"Failed {Failure}",
        RtcOutputKind.Closed => $"Closed {CloseReason}",
        RtcOutputKind.LocalCandidate => $"LocalCandidate {Candidate}",
        RtcOutputKind.GatheringComplete => $"GatheringComplete {Status}",
        _ => $"{Kind} ch{Channel}",
    };
}
