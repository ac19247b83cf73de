using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Janus.Participants;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// One room's echo on Janus: every ping that reaches the echo participant (through the VideoRoom from the runner's
/// feed, or as a TextRoom message from the runner) is answered with a pong (PingCodec: rx = the socket receive time of
/// the datagram that completed it, tx = just before sending) on the echo's own feed / as a message to the runner.
/// </summary>
/// <remarks>
/// <see cref="OnData"/> runs on the event loop of the connection the ping arrived on (one per room): one pong buffer,
/// lock-free counters, and a send that copies; no allocation or logging.
/// </remarks>
internal sealed class JanusEchoRoom : IJanusDataReceiver
{
    private readonly MonoTime _clock;
    private readonly double _wallAnchorUs;
    private readonly byte[] _pong = new byte[PingCodec.MaxMessageBytes];
    private PongSender? _send;
    private long _echoed;
    private long _malformed;
    private long _sendFailed;
    private long _lastActivityNs = -1;
    private volatile string _echo = "joining";
    private volatile string _roomState = "open";

    public JanusEchoRoom(string path, long janusRoom, string secret, MonoTime clock)
    {
        Path = path;
        JanusRoom = janusRoom;
        Secret = secret;
        _clock = clock;
        _wallAnchorUs = clock.WallAnchorUs();
    }

    public delegate bool PongSender(ReadOnlySpan<byte> pong);

    public string Path { get; }

    public long JanusRoom { get; }

    /// <summary>The Janus room's secret (destroys it); never leaves the agent.</summary>
    public string Secret { get; }

    /// <summary>The echo participant once joined (a VideoRoomDataParticipant or a TextRoomDataParticipant).</summary>
    public IAsyncDisposable? Participant { get; private set; }

    public long Echoed => Interlocked.Read(ref _echoed);

    public long Malformed => Interlocked.Read(ref _malformed);

    public long SendFailed => Interlocked.Read(ref _sendFailed);

    public PlatformRoomActivity Activity
    {
        get
        {
            long last = Interlocked.Read(ref _lastActivityNs);
            return new PlatformRoomActivity(Echoed, last < 0 ? null : last);
        }
    }

    /// <summary>What the echo is doing, in words (GET /rooms).</summary>
    public string Echo
    {
        get => _echo;
        set => _echo = value;
    }

    /// <summary>"open", "destroyed", "already gone" or "destroy failed: …".</summary>
    public string RoomState
    {
        get => _roomState;
        set => _roomState = value;
    }

    public void Attach(IAsyncDisposable participant, PongSender send)
    {
        Participant = participant;
        _send = send;
    }

    public JanusRoomDetails Describe() => new(Path, JanusRoom, Echo, Echoed, Malformed, SendFailed, RoomState);

    public void OnData(ReadOnlySpan<byte> message, long receivedNs)
    {
        if (!PingCodec.TryReadPing(message, out var ping))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        Interlocked.Exchange(ref _lastActivityNs, receivedNs);
        int length = PingCodec.WritePong(_pong, ping, receivedNs, _clock.NowNs(), _wallAnchorUs);
        // Counted before the pong leaves, so whoever has received it also sees it counted; taken back if not sent.
        Interlocked.Increment(ref _echoed);
        bool sent;
        try
        {
            sent = _send is { } send && send(_pong.AsSpan(0, length));
        }
        catch (InvalidOperationException)
        {
            sent = false; // The participant left under us.
        }

        if (!sent)
        {
            Interlocked.Decrement(ref _echoed);
            Interlocked.Increment(ref _sendFailed);
        }
    }
}
