using RtcBench.Rtc.Core;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// One WebRTC data channel (RFC 8831/8832) of a <see cref="PeerConnection"/>: a handle on a channel of the connection's
/// <see cref="RtcCore"/> (its id there, <see cref="Id"/>). Created by <see cref="PeerConnection.CreateDataChannel"/>
/// (we send DCEP OPEN once the association is up; open on the ACK) or by the peer
/// (<see cref="PeerConnection.DataChannelOpened"/>; open at once, ACK sent). <see cref="Send"/> and <see cref="Close"/>
/// may be called from any thread, also from inside <see cref="OnMessage"/> (an echo); they drive the core on the
/// calling thread. <see cref="OnMessage"/> and <see cref="Closed"/> run on the thread that drove the core (Peer/README.md).
/// </summary>
public sealed class DataChannel
{
    private readonly PeerConnection _owner;
    private readonly TaskCompletionSource<bool> _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile DataChannelState _state = DataChannelState.Connecting;
    private RtcChannel? _core;

    internal DataChannel(PeerConnection owner, string label, string protocol, bool ordered, int? maxRetransmits, int? maxPacketLifeTimeMs, bool local)
    {
        _owner = owner;
        Label = label;
        Protocol = protocol;
        Ordered = ordered;
        MaxRetransmits = maxRetransmits;
        MaxPacketLifeTimeMs = maxPacketLifeTimeMs;
        IsLocal = local;
    }

    public string Label { get; }

    public string Protocol { get; }

    public bool Ordered { get; }

    /// <summary>Partial reliability by retransmission count (0: sent once), or null.</summary>
    public int? MaxRetransmits { get; }

    /// <summary>Partial reliability by lifetime, or null.</summary>
    public int? MaxPacketLifeTimeMs { get; }

    /// <summary>Whether we opened it (rather than the peer).</summary>
    public bool IsLocal { get; }

    /// <summary>The SCTP stream id, or -1 until the association is up.</summary>
    public int StreamId => _core?.StreamId ?? -1;

    public DataChannelState State => _state;

    /// <summary>Monotonic ns at which it opened (0 until then).</summary>
    public long OpenedNs { get; private set; }

    /// <summary>Called for every received message, on the thread that received it (the socket's receive thread), under
    /// the connection's lock: keep it short, never block; <see cref="Send"/> from here is fine. Set it before traffic is
    /// expected.</summary>
    public DataChannelMessageHandler? OnMessage { get; set; }

    /// <summary>Raised when the channel has closed (both stream directions reset, or the connection ended), on the
    /// thread that drove the connection then.</summary>
    public event Action<DataChannel>? Closed;

    /// <summary>Completes with true when the channel opens, false when it closes or fails first. Never faults.</summary>
    public Task<bool> WhenOpen => _open.Task;

    public long MessagesReceived => _core?.MessagesReceived ?? 0;

    public long MessagesSent => _core?.MessagesSent ?? 0;

    /// <summary>Sends refused because SCTP's send buffer was full (or the association was ending).</summary>
    public long SendsRefused => _core?.SendsRefused ?? 0;

    /// <summary>The core's id of this channel (-1 until the connection has a core: before the remote description).</summary>
    internal int Id => _core?.Id ?? -1;

    /// <summary>
    /// Sends a binary message (PPID 53; 57 when empty). False when SCTP's send buffer is full. Throws
    /// <see cref="InvalidOperationException"/> unless open, <see cref="ArgumentException"/> when the message is larger
    /// than the peer accepts (<see cref="PeerConnection.RemoteMaxMessageSize"/>).
    /// </summary>
    public bool Send(ReadOnlySpan<byte> message) => SendCore(message, isText: false);

    /// <summary>Sends a UTF-8 text message (PPID 51; 56 when empty). Returns and throws as <see cref="Send"/>.</summary>
    public bool SendText(ReadOnlySpan<byte> utf8) => SendCore(utf8, isText: true);

    /// <summary>Closes the channel by resetting its outgoing stream (RFC 8831 §6.7). Idempotent.</summary>
    public void Close() => _owner.CloseChannel(this);

    internal void Bind(RtcChannel channel) => _core = channel;

    internal void MarkOpen(long nowNs)
    {
        if (_state != DataChannelState.Connecting)
        {
            return;
        }

        OpenedNs = nowNs;
        _state = DataChannelState.Open;
        _open.TrySetResult(true);
    }

    internal void MarkClosing() => _state = DataChannelState.Closing;

    internal void MarkClosed()
    {
        if (_state == DataChannelState.Closed)
        {
            return;
        }

        _state = DataChannelState.Closed;
        _open.TrySetResult(false);
        try
        {
            Closed?.Invoke(this);
        }
        catch (Exception)
        {
            // A user handler must not break the connection.
        }
    }

    internal void Deliver(ReadOnlySpan<byte> message, bool isText, long receivedNs) => OnMessage?.Invoke(this, message, isText, receivedNs);

    private bool SendCore(ReadOnlySpan<byte> message, bool isText)
    {
        if (_state != DataChannelState.Open)
        {
            throw new InvalidOperationException($"The data channel '{Label}' is not open (state {_state}).");
        }

        return _owner.Send(this, message, isText);
    }

    public override string ToString() => $"{Label} (stream {StreamId}, {(Ordered ? "ordered" : "unordered")}, {State})";
}
