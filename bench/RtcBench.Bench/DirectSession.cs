using System.Globalization;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Direct;
using RtcBench.Runner;

namespace RtcBench.Bench;

/// <summary>
/// One runner-side <c>direct</c> session, opened the way <c>rtcbench run</c> opens it (/connect, then
/// <see cref="DirectPlatformClient"/>), with a <see cref="PingLane"/> on each channel instead of the measurement engine,
/// so a benchmark can pace many sessions from one thread and read RTTs without the engine's per-run bookkeeping.
/// </summary>
internal sealed class DirectSession : IAsyncDisposable
{
    private readonly AgentClient _agent;
    private readonly string _roomId;

    private DirectSession(AgentClient agent, string roomId, PingLane reliable, PingLane lossy, double openMs, PathInfo path)
    {
        _agent = agent;
        _roomId = roomId;
        Reliable = reliable;
        Lossy = lossy;
        OpenMs = openMs;
        Path = path;
    }

    public PingLane Reliable { get; }

    public PingLane Lossy { get; }

    /// <summary>From the /connect request to both channels open, as the runner sees it (signalling included).</summary>
    public double OpenMs { get; }

    /// <summary>The reliable channel's path: ICE, DTLS, SCTP and channel-open timings in <see cref="PathInfo.Details"/>.</summary>
    public PathInfo Path { get; }

    public static async Task<DirectSession> OpenAsync(AgentClient agent, Uri agentUrl, MonoTime clock, int capacity, CancellationToken ct)
    {
        long start = clock.NowNs();
        var connection = await agent.ConnectAsync(["direct"], TimeSpan.FromHours(1), TimeSpan.FromMinutes(30), ct).ConfigureAwait(false);
        var context = new PlatformJoinContext(connection.RoomId, clock) { AgentUrl = agentUrl, PayloadBytes = PingLane.PayloadBytes };
        IReadOnlyList<IPingChannel> channels;
        try
        {
            channels = await new DirectPlatformClient().JoinAsync(connection.Platforms["direct"], context, ct).ConfigureAwait(false);
        }
        catch
        {
            await agent.DisconnectAsync(connection.RoomId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        double openMs = (clock.NowNs() - start) / 1e6;
        var reliable = new PingLane(channels.Single(c => c.Channel == "reliable"), clock, capacity);
        var lossy = new PingLane(channels.Single(c => c.Channel == "lossy"), clock, capacity);
        return new DirectSession(agent, connection.RoomId, reliable, lossy, openMs, reliable.Channel.DescribePath());
    }

    public double Detail(string key) =>
        Path.Details is { } d && d.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : double.NaN;

    public async ValueTask DisposeAsync()
    {
        await Reliable.Channel.DisposeAsync().ConfigureAwait(false);
        await Lossy.Channel.DisposeAsync().ConfigureAwait(false);
        await _agent.DisconnectAsync(_roomId, CancellationToken.None).ConfigureAwait(false);
    }
}

/// <summary>
/// Pings on one channel with preallocated buffers: <see cref="Send"/> writes the JSON ping into a fixed buffer and
/// stamps its send time; pongs (on the session's event loop) store <c>rx − tx</c> by seq. Allocation-free after
/// construction, so allocation figures measured around it are the stack's.
/// </summary>
internal sealed class PingLane : IMessageSink
{
    public const int PayloadBytes = 128;

    private readonly MonoTime _clock;
    private readonly RunId _run = RunId.New();
    private readonly byte[] _buffer = new byte[PingCodec.MaxMessageBytes];
    private readonly long[] _sentNs;
    private readonly double[] _rttUs;
    private int _received;

    public PingLane(IPingChannel channel, MonoTime clock, int capacity)
    {
        Channel = channel;
        _clock = clock;
        _sentNs = new long[capacity];
        _rttUs = new double[capacity];
        channel.SetSink(this);
    }

    public IPingChannel Channel { get; }

    public int Capacity => _rttUs.Length;

    public int Received => Volatile.Read(ref _received);

    /// <summary>Forget earlier pings; seqs start again at 0. Call only when no pong is in flight.</summary>
    public void Reset()
    {
        Array.Fill(_rttUs, double.NaN);
        Volatile.Write(ref _received, 0);
    }

    public void Send(int seq)
    {
        long now = _clock.NowNs();
        Volatile.Write(ref _sentNs[seq], now);
        int n = PingCodec.WritePing(_buffer, _run, seq, now, PayloadBytes);
        Channel.Send(_buffer.AsSpan(0, n));
    }

    public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
    {
        if (PingCodec.TryReadPong(message, out var pong) && pong.Seq >= 0 && pong.Seq < _rttUs.Length && double.IsNaN(_rttUs[pong.Seq]))
        {
            _rttUs[pong.Seq] = (receivedNs - Volatile.Read(ref _sentNs[pong.Seq])) / 1000.0;
            Interlocked.Increment(ref _received);
        }
    }

    /// <summary>The RTTs (µs) of pings 0..count-1 that came back.</summary>
    public void CopyRtts(int count, List<double> into)
    {
        for (int i = 0; i < count; i++)
        {
            if (!double.IsNaN(_rttUs[i]))
            {
                into.Add(_rttUs[i]);
            }
        }
    }
}
