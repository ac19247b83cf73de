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
/// <see cref="OnData"/> runs on the receive thread of the connection the ping arrived on, under its lock (one per room): one pong buffer,
/// lock-free counters, and a send that copies; no allocation or logging.
/// </remarks>
internal sealed class JanusEchoRoom : IJanusDataReceiver
{
    private readonly MonoTime _clock;
    private readonly double _wallAnchorUs;
    private readonly byte[] _pong = new byte[PingCodec.MaxMessageBytes];
    private PongSender? _send;
    private readonly EchoTally _tally = new();
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

    public long Echoed => _tally.Echoed;

    public long Malformed => _tally.Dropped;

    public long SendFailed => _tally.SendFailed;

    public PlatformRoomActivity Activity => _tally.Activity;

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
            _tally.Drop();
            return;
        }

        int length = PingCodec.WritePong(_pong, ping, receivedNs, _clock.NowNs(), _wallAnchorUs);
        _tally.Answering(receivedNs);
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
            _tally.NotSent();
        }
    }
}
