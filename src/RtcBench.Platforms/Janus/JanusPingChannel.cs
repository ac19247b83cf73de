using System.Globalization;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;
using RtcBench.Janus.Participants;
using RtcBench.Rtc.Peer;

namespace RtcBench.Platforms.Janus;

/// <summary>
/// The runner's one channel on the <c>janus</c> platform: pings go out through our participant (the VideoRoom feed,
/// or a TextRoom message to the echo), pongs come back through Janus and reach the sink with the socket receive time
/// of the datagram that completed them, on the connection's loop. On <c>sfu</c> and <c>textroom</c> reliable only:
/// Janus relays VideoRoom data and TextRoom messages on reliable, ordered channels, whatever the sender used. On
/// <c>echo</c> the EchoTest returns the ping itself on the channel it came on, so there is a reliable and a lossy
/// channel, and the path says <see cref="PathInfo.ReflectorEcho"/> (no echo timestamps: no net RTT).
/// </summary>
internal sealed class JanusPingChannel : IPingChannel, IJanusDataReceiver, IChannelDiagnostics, IEchoLossSignal
{
    private readonly TaskCompletionSource<EchoLoss> _echoLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MonoTime _clock;
    private readonly string _path;
    private readonly long _room;
    private readonly string _serverVersion;
    private volatile IMessageSink? _sink;
    private IAsyncDisposable? _participant;
    private Func<ReadOnlySpan<byte>, bool>? _send;
    private Func<PeerConnection?>[] _peers = [];
    private Func<string?> _ended = () => null;
    private int _disposed;

    public JanusPingChannel(string path, long room, string serverVersion, MonoTime clock, string channel = "reliable")
    {
        _clock = clock;
        _path = path;
        _room = room;
        _serverVersion = serverVersion;
        Channel = channel;
    }

    public string Channel { get; }

    /// <summary>
    /// Our participant's end while the run is on (Janus killed or restarted, our session expired, Janus hung up our
    /// connection): the path through Janus is gone. Not definitive about the echo itself: the runner asks the agent.
    /// </summary>
    public Task<EchoLoss> EchoLost => _echoLost.Task;

    public string TransportMode => "webrtc-datachannel";

    public void Attach(VideoRoomDataParticipant participant)
    {
        _participant = participant;
        _send = participant.Send;
        _peers = [() => participant.Publisher, () => participant.Subscriber];
        _ended = () => participant.WhenEnded.IsCompleted ? participant.WhenEnded.Result : null;
        WatchEnd(participant.WhenEnded);
    }

    public void Attach(EchoTestDataParticipant participant, bool lossy)
    {
        _participant = participant;
        _send = lossy ? participant.SendLossy : participant.SendReliable;
        _peers = [() => participant.Connection];
        _ended = () => participant.WhenEnded.IsCompleted ? participant.WhenEnded.Result : null;
        WatchEnd(participant.WhenEnded);
    }

    public void Attach(TextRoomDataParticipant participant)
    {
        _participant = participant;
        _send = participant.Send;
        _peers = [() => participant.Connection];
        _ended = () => participant.WhenEnded.IsCompleted ? participant.WhenEnded.Result : null;
        WatchEnd(participant.WhenEnded);
    }

    public PathInfo DescribePath()
    {
        var first = _peers.Length > 0 ? _peers[0]() : null;
        var pair = first?.SelectedPair;
        bool echo = _path == "echo";
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["janus_path"] = _path,
            ["server_version"] = _serverVersion,
        };
        if (echo)
        {
            details["net_rtt"] = "none: Janus's EchoTest returns the ping itself, without an echo's timestamps";
        }
        else
        {
            details["janus_room"] = _room.ToString(CultureInfo.InvariantCulture);
            details["lossy"] = "not relayed by Janus: the VideoRoom and the TextRoom forward on reliable, ordered channels only";
        }

        string[] names = _path switch { "sfu" => ["publisher", "subscriber"], "echo" => ["echotest"], _ => ["textroom"] };
        for (int i = 0; i < _peers.Length && i < names.Length; i++)
        {
            if (_peers[i]() is not { } pc)
            {
                continue;
            }

            details[names[i] + "_pair"] = pc.SelectedPair?.ToString() ?? "none";
            details[names[i] + "_dtls_role"] = pc.DtlsRole?.ToString().ToLowerInvariant() ?? "unknown";
            Add(details, names[i] + "_ice_ms", pc.Timings.IceMs);
            Add(details, names[i] + "_dtls_ms", pc.Timings.DtlsMs);
            Add(details, names[i] + "_sctp_ms", pc.Timings.SctpMs);
        }

        return new PathInfo
        {
            Transport = _path switch
            {
                "sfu" => "webrtc-datachannel via janus videoroom",
                "echo" => "webrtc-datachannel via janus echotest",
                _ => "webrtc-datachannel via janus textroom",
            },
            Reliability = Channel == "lossy" ? "unordered-maxRetransmits-0" : "reliable-ordered",
            Echo = echo ? PathInfo.ReflectorEcho : null,
            LocalAddress = pair?.Local.ToString(),
            RemoteAddress = pair?.Remote.ToString(),
            CandidatePair = pair?.ToString(),
            Details = details,
        };
    }

    public void SetSink(IMessageSink? sink) => _sink = sink;

    public void Send(ReadOnlySpan<byte> message)
    {
        if (_ended() is { } why)
        {
            throw new IOException($"the janus {_path} channel is gone: {why}");
        }

        try
        {
            // False means a queue is full: the ping is lost, as a full socket buffer would lose it.
            _send!(message);
        }
        catch (InvalidOperationException ex)
        {
            throw new IOException($"the janus {_path} channel is gone: {_ended() ?? ex.Message}", ex);
        }
    }

    public void OnData(ReadOnlySpan<byte> message, long receivedNs) => _sink?.OnMessage(message, receivedNs);

    public string? ExplainSilence() => _ended() is { } why
        ? "our Janus participant ended: " + why
        : _path == "echo" ? "nothing came back from Janus's EchoTest"
        : $"nothing came back through Janus ({_path} room {_room}): is the agent's echo in the room?";

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _participant is not null)
        {
            await _participant.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void WatchEnd(Task<string> ended) => ended.ContinueWith(t =>
    {
        if (Volatile.Read(ref _disposed) == 0 && t.Result != "left")
        {
            _echoLost.TrySetResult(new EchoLoss(_clock.NowNs(), $"our Janus {_path} participant ended: {t.Result}", Definitive: false));
        }
    }, TaskScheduler.Default);

    private static void Add(Dictionary<string, string> details, string key, double? ms)
    {
        if (ms is { } value)
        {
            details[key] = value.ToString("0.###", CultureInfo.InvariantCulture);
        }
    }
}
