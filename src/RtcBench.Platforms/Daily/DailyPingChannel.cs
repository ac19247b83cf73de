using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;
using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Platforms.Daily;

/// <summary>
/// The runner's channel through a Daily call: the page is the socket.
/// <para>
/// <b>Timestamps.</b> The runner's <c>PingDriver</c>/<c>PingSession</c> keep the schedule and the statistics: the
/// session stamps t1 on the C# clock and writes the ping, <see cref="Send"/> queues it, and a pump hands queued
/// pings to the page (one <c>EvaluateAsync</c> per batch). The page stamps its own send time p1 with
/// <c>performance.now()</c> right before <c>sendAppMessage</c> and its receive time p4 first thing in the
/// <c>app-message</c> handler, and returns (pong, p1, p4) in batches. The channel delivers each pong with
/// <c>receivedNs = t1 + (p4 − p1)</c>: the RTT the session computes (receivedNs − t1) is exactly the page-measured
/// RTT, so neither C#→page nor page→C# hops (CDP, ms-scale and variable) enter it, while the session still matches
/// pongs by the echoed t1 and applies deadlines. The hop C#→page is measured, not hidden: one clock anchor taken
/// at join (<see cref="DailyJoinInfo"/>) maps p1 onto the C# scale, and the lag p1 − t1 is reported in the path
/// details (it delays sends against the schedule; it never lengthens an RTT).
/// </para>
/// <para>Send allocates (a string per ping for the page): unlike UDP, the path to the wire crosses a process boundary.</para>
/// </summary>
public sealed class DailyPingChannel : IPingChannel, IChannelDiagnostics, IEchoLossSignal
{
    private const int MaxQueued = 10_000;
    private const int MaxBatch = 64;
    private const int MaxLagSamples = 100_000;

    private readonly DailyCallPage _page;
    private readonly DailyJoinInfo _join;
    private readonly DailyCredentials _credentials;
    private readonly double? _cpuAtJoinMs;
    private readonly Channel<string> _outbox = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(MaxQueued)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Task _pump;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<EchoLoss> _echoLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly MonoTime _clock;
    private readonly Lock _lagGate = new();
    private readonly List<double> _sendLagMs = [];
    private volatile IMessageSink? _sink;
    private volatile string _transport = "unknown";
    private DailyPageStats? _lastStats;
    private int _disposed;

    private DailyPingChannel(DailyCallPage page, DailyJoinInfo join, DailyCredentials credentials, double? cpuAtJoinMs, MonoTime clock)
    {
        _page = page;
        _join = join;
        _credentials = credentials;
        _cpuAtJoinMs = cpuAtJoinMs;
        _clock = clock;
        _page.PongsReceived = OnPongs;
        _page.EventReported += OnPageEvent;
        _page.Ended += OnPageEnded;
        if (_page.EndReason is { } reason)
        {
            OnPageEnded(reason);
        }
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Wraps a joined runner page (the channel owns it from now on).</summary>
    public static async Task<DailyPingChannel> CreateAsync(
        DailyCallPage page, DailyJoinInfo join, DailyCredentials credentials, MonoTime clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(clock);
        var stats = await page.GetStatsAsync(cancellationToken).ConfigureAwait(false);
        return new DailyPingChannel(page, join, credentials, stats.TaskDurationMs, clock);
    }

    /// <summary>The echo participant left the call (participant-left), or the call ended (not by our own dispose).</summary>
    public Task<EchoLoss> EchoLost => _echoLost.Task;

    public string Channel => "reliable";

    /// <summary>"daily-websocket" or "daily-datachannel" once traffic showed which carried the pings, else "daily-app-message".</summary>
    public string TransportMode => _transport switch
    {
        "websocket" => "daily-websocket",
        "datachannel" => "daily-datachannel",
        _ => "daily-app-message",
    };

    public DailyJoinInfo JoinInfo => _join;

    public DailyCallPage Page => _page;

    public void SetSink(IMessageSink? sink) => _sink = sink;

    public void Send(ReadOnlySpan<byte> message)
    {
        if (_page.EndReason is { } reason)
        {
            throw new IOException("The Daily call is over: " + reason);
        }
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_outbox.Writer.TryWrite(Encoding.UTF8.GetString(message)))
        {
            throw new IOException($"The Daily page is not keeping up: {MaxQueued} pings are waiting to be sent.");
        }
    }

    public string? ExplainSilence()
    {
        DailyPageStats? stats = TryReadStats();
        if (_page.EndReason is { } reason)
        {
            return "the Daily call is over: " + reason;
        }
        if (stats is null)
        {
            return null;
        }
        if (!stats.PeerPresent)
        {
            return "no echo participant ever joined the Daily room (is the agent's echo page running?)";
        }
        return stats.SendErrors > 0 ? "sendAppMessage failed: " + stats.LastError : null;
    }

    /// <summary>Reads the page's counters (bounded wait; falls back to the last reading) and describes the path.</summary>
    public PathInfo DescribePath()
    {
        var stats = TryReadStats() ?? _lastStats;
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["daily_topology_requested"] = _credentials.Topology,
            ["daily_topology"] = stats?.Topology ?? _join.Topology ?? "unknown",
            ["daily_transport"] = stats?.Transport ?? "unknown",
            ["daily_js_version"] = _join.DailyJsVersion ?? "unknown",
            ["chromium_version"] = _join.ChromiumVersion ?? "unknown",
            ["page_clock_anchor_uncertainty_us"] = F(_join.AnchorUncertaintyNs / 1e3),
        };
        if (_join.StandIn)
        {
            details["daily_stand_in"] = "true: offline stand-in for daily-js, not Daily";
        }
        if (stats is not null)
        {
            details["datachannel_sends"] = stats.DataChannelSends.ToString(CultureInfo.InvariantCulture);
            details["datachannel_ping_sends"] = stats.DataChannelPings.ToString(CultureInfo.InvariantCulture);
            details["websocket_sends"] = stats.WebSocketSends.ToString(CultureInfo.InvariantCulture);
            details["websocket_ping_sends"] = stats.WebSocketPings.ToString(CultureInfo.InvariantCulture);
            details["page_send_errors"] = stats.SendErrors.ToString(CultureInfo.InvariantCulture);
            details["page_no_peer"] = stats.NoPeer.ToString(CultureInfo.InvariantCulture);
            if (stats.TaskDurationMs is double cpu && _cpuAtJoinMs is double cpu0)
            {
                details["browser_cpu_ms"] = F(cpu - cpu0);
            }
        }
        lock (_lagGate)
        {
            if (_sendLagMs.Count > 0)
            {
                var sorted = _sendLagMs.ToArray();
                Array.Sort(sorted);
                details["page_send_lag_p50_ms"] = F(sorted[sorted.Length / 2]);
                details["page_send_lag_max_ms"] = F(sorted[^1]);
            }
        }
        return new PathInfo
        {
            Transport = TransportMode,
            Reliability = stats?.Transport == "websocket" ? "reliable-ordered" : null,
            RemoteAddress = _credentials.RoomUrl,
            ServerRegion = _credentials.Geo,
            Details = details,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _outbox.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // the page is hung; closing it below ends the pump
        }
        await _page.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        var batch = new List<string>(MaxBatch);
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _outbox.Reader.TryRead(out var message))
                {
                    batch.Add(message);
                }
                await _page.SendAsync(batch, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // disposed, or the page ended (Send reports it from now on)
        }
    }

    private void OnPageEvent(string name, string? detail)
    {
        if (name == "echo-left")
        {
            _echoLost.TrySetResult(new EchoLoss(_clock.NowNs(), "the echo participant left the Daily call (participant-left)", Definitive: true));
        }
    }

    private void OnPageEnded(string reason)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _echoLost.TrySetResult(new EchoLoss(_clock.NowNs(), "our Daily call ended: " + reason, Definitive: false));
        }
    }

    private void OnPongs(JsonElement items)
    {
        var sink = _sink;
        foreach (var item in items.EnumerateArray())
        {
            byte[] bytes = Encoding.UTF8.GetBytes(item.GetProperty("m").GetString() ?? "");
            double p1 = item.GetProperty("p1").GetDouble();
            double p4 = item.GetProperty("p4").GetDouble();
            long receivedNs;
            if (PingCodec.TryReadPong(bytes, out var pong))
            {
                receivedNs = pong.SentNs + (long)Math.Round((p4 - p1) * 1e6);
                lock (_lagGate)
                {
                    if (_sendLagMs.Count < MaxLagSamples)
                    {
                        _sendLagMs.Add((_join.PageMsToNs(p1) - pong.SentNs) / 1e6);
                    }
                }
            }
            else
            {
                receivedNs = _join.PageMsToNs(p4);
            }
            sink?.OnMessage(bytes, receivedNs);
        }
    }

    private DailyPageStats? TryReadStats()
    {
        if (_page.EndReason is not null)
        {
            return _lastStats;
        }
        try
        {
            var stats = _page.GetStatsAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            _lastStats = stats;
            if (stats.Transport != "unknown")
            {
                _transport = stats.Transport;
            }
            return stats;
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            return _lastStats;
        }
    }

    private static string F(double value) => Math.Round(value, 3).ToString(CultureInfo.InvariantCulture);
}
