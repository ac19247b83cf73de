using RtcBench.Rtc.DataChannels;
using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// One WebRTC data channel (RFC 8831/8832) of a <see cref="PeerConnection"/>. Created by
/// <see cref="PeerConnection.CreateDataChannel"/> (we send DCEP OPEN once the association is up; open on the ACK) or
/// by the peer (<see cref="PeerConnection.DataChannelOpened"/>; open at once, ACK sent). <see cref="Send"/> and
/// <see cref="Close"/> may be called from any thread; everything else happens on the connection's event loop.
/// </summary>
public sealed class DataChannel
{
    private readonly PeerConnection _owner;
    private readonly TaskCompletionSource<bool> _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile DataChannelState _state = DataChannelState.Connecting;
    private long _received;
    private long _sent;
    private long _sendRefused;

    internal DataChannel(PeerConnection owner, string label, string protocol, bool ordered, int? maxRetransmits, int? maxPacketLifeTimeMs, bool local)
    {
        _owner = owner;
        Label = label;
        Protocol = protocol;
        Ordered = ordered;
        MaxRetransmits = maxRetransmits;
        MaxPacketLifeTimeMs = maxPacketLifeTimeMs;
        IsLocal = local;
        SendOptions = new SendOptions(ordered, maxRetransmits, maxPacketLifeTimeMs is { } ms ? ms * RtcTime.NsPerMs : null);
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
    public int StreamId { get; internal set; } = -1;

    public DataChannelState State => _state;

    /// <summary>Monotonic ns at which it opened (0 until then).</summary>
    public long OpenedNs { get; private set; }

    /// <summary>Called for every received message, on the event loop. Set it before traffic is expected.</summary>
    public DataChannelMessageHandler? OnMessage { get; set; }

    /// <summary>Raised on the event loop when the channel has closed (both stream directions reset, or the connection ended).</summary>
    public event Action<DataChannel>? Closed;

    /// <summary>Completes with true when the channel opens, false when it closes or fails first. Never faults.</summary>
    public Task<bool> WhenOpen => _open.Task;

    public long MessagesReceived => Interlocked.Read(ref _received);

    public long MessagesSent => Interlocked.Read(ref _sent);

    /// <summary>Sends refused because the loop's input queue or SCTP's send buffer was full.</summary>
    public long SendsRefused => Interlocked.Read(ref _sendRefused);

    internal SendOptions SendOptions { get; }

    internal bool LocalResetRequested { get; set; }

    internal bool LocalResetDone { get; set; }

    internal bool RemoteResetDone { get; set; }

    internal long OpenDeadlineNs { get; set; } = RtcTime.Never;

    internal DataChannelType ChannelType =>
        (DataChannelType)((MaxRetransmits is not null ? 0x01 : MaxPacketLifeTimeMs is not null ? 0x02 : 0x00) | (Ordered ? 0 : 0x80));

    internal uint ReliabilityParameter => (uint)(MaxRetransmits ?? MaxPacketLifeTimeMs ?? 0);

    /// <summary>
    /// Sends a binary message (PPID 53; 57 when empty). False when the input queue is full. Throws
    /// <see cref="InvalidOperationException"/> unless open, <see cref="ArgumentException"/> when the message is larger
    /// than the peer accepts (<see cref="PeerConnection.RemoteMaxMessageSize"/>).
    /// </summary>
    public bool Send(ReadOnlySpan<byte> message) => SendCore(message, isText: false);

    /// <summary>Sends a UTF-8 text message (PPID 51; 56 when empty). Returns and throws as <see cref="Send"/>.</summary>
    public bool SendText(ReadOnlySpan<byte> utf8) => SendCore(utf8, isText: true);

    /// <summary>Closes the channel by resetting its outgoing stream (RFC 8831 §6.7). Idempotent.</summary>
    public void Close() => _owner.Post(() => _owner.CloseChannel(this));

    internal void MarkOpen(long nowNs)
    {
        if (_state != DataChannelState.Connecting)
        {
            return;
        }

        OpenedNs = nowNs;
        OpenDeadlineNs = RtcTime.Never;
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
            // A user handler must not break the loop.
        }
    }

    internal void Deliver(ReadOnlySpan<byte> message, bool isText, long receivedNs)
    {
        Interlocked.Increment(ref _received);
        OnMessage?.Invoke(this, message, isText, receivedNs);
    }

    internal void CountSent() => Interlocked.Increment(ref _sent);

    internal void CountRefused() => Interlocked.Increment(ref _sendRefused);

    private bool SendCore(ReadOnlySpan<byte> message, bool isText)
    {
        if (_state != DataChannelState.Open)
        {
            throw new InvalidOperationException($"The data channel '{Label}' is not open (state {_state}).");
        }

        int limit = _owner.RemoteMaxMessageSize;
        if (message.Length > limit)
        {
            throw new ArgumentException(
                $"The message is {message.Length} bytes; the peer accepts at most {limit} in one message (its a=max-message-size; 65536 when its SDP has none, RFC 8841).",
                nameof(message));
        }

        bool queued = _owner.PostSend(this, DataChannelPayload.SelectPpid(isText, message.Length), DataChannelPayload.SelectBody(message));
        if (!queued)
        {
            CountRefused();
        }

        return queued;
    }

    public override string ToString() => $"{Label} (stream {StreamId}, {(Ordered ? "ordered" : "unordered")}, {State})";
}
