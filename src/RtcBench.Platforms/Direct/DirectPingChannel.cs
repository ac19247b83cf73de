using System.Globalization;
using RtcBench.Core.Results;
using RtcBench.Rtc.Peer;

namespace RtcBench.Platforms.Direct;

/// <summary>
/// One data channel of the runner's <c>direct</c> peer connection as an <see cref="IPingChannel"/>. Pings go out as
/// text messages (the JSON ping); pongs reach the sink with the socket receive time of the datagram that completed
/// them (see Rtc/Peer/README.md), on the connection's receive thread (under its lock). The connection's end tells when the echo is gone
/// (<see cref="IEchoLossSignal"/>, see <see cref="DirectPeerOwner"/>).
/// </summary>
internal sealed class DirectPingChannel : IPingChannel, IEchoLossSignal
{
    private readonly DirectPeerOwner _owner;
    private readonly DataChannel _channel;
    private volatile IMessageSink? _sink;
    private int _disposed;

    public DirectPingChannel(DirectPeerOwner owner, DataChannel channel)
    {
        _owner = owner;
        _channel = channel;
        _channel.OnMessage = OnMessage;
    }

    public string Channel => _channel.Label;

    public string TransportMode => "webrtc-datachannel";

    public Task<EchoLoss> EchoLost => _owner.EchoLost;

    public PathInfo DescribePath()
    {
        var peer = _owner.Peer;
        var timings = peer.Timings;
        var pair = peer.SelectedPair;
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dtls_role"] = peer.DtlsRole?.ToString().ToLowerInvariant() ?? "unknown",
            ["ice"] = "full-controlling",
            ["stream_id"] = _channel.StreamId.ToString(CultureInfo.InvariantCulture),
        };
        Add(details, "ice_ms", timings.IceMs);
        Add(details, "dtls_ms", timings.DtlsMs);
        Add(details, "sctp_ms", timings.SctpMs);
        Add(details, "channel_open_ms", timings.Since(_channel.OpenedNs));
        return new PathInfo
        {
            Transport = "webrtc-datachannel",
            Reliability = _channel.Ordered && _channel.MaxRetransmits is null
                ? "reliable-ordered"
                : $"{(_channel.Ordered ? "ordered" : "unordered")}-maxRetransmits-{_channel.MaxRetransmits}",
            LocalAddress = pair?.Local.ToString() ?? peer.LocalEndPoint.ToString(),
            RemoteAddress = pair?.Remote.ToString(),
            CandidatePair = pair?.ToString(),
            SetupMs = timings.Since(_channel.OpenedNs),
            Details = details,
        };
    }

    public void SetSink(IMessageSink? sink) => _sink = sink;

    public void Send(ReadOnlySpan<byte> message)
    {
        try
        {
            // False means SCTP's send buffer is full: the ping is lost, like a full socket buffer would lose it.
            _channel.SendText(message);
        }
        catch (InvalidOperationException ex)
        {
            throw new IOException($"the direct '{Channel}' data channel is gone: {_owner.Peer.Outcome?.ToString() ?? ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.OnMessage = null;
            await _owner.ReleaseAsync().ConfigureAwait(false);
        }
    }

    private void OnMessage(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs) =>
        _sink?.OnMessage(message, receivedNs);

    private static void Add(Dictionary<string, string> details, string key, double? ms)
    {
        if (ms is { } value)
        {
            details[key] = value.ToString("0.###", CultureInfo.InvariantCulture);
        }
    }
}
