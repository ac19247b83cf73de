using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using RtcBench.Rtc.Peer;
using RtcBench.Testing;

namespace RtcBench.Bench;

/// <summary>
/// Two <see cref="PeerConnection"/>s in this process on loopback, set up the way <c>PeerConnectionRelayTests</c> does:
/// a full offerer (host candidate, or relay-only through coturn) and an ICE-lite answerer that echoes every message.
/// One reliable ordered channel, <c>reliable</c>. Pings are <see cref="PayloadBytes"/> bytes with the seq in the first
/// four; the send time is the stack's clock read just before <see cref="DataChannel.Send"/>, the receive time the one
/// the stack hands to <see cref="DataChannel.OnMessage"/> (the socket time of the datagram that completed the pong).
/// Allocation-free after construction, so allocation figures measured around it are the stack's.
/// </summary>
internal sealed class RelayEchoPair : IAsyncDisposable
{
    public const int PayloadBytes = 128;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(15);

    private readonly Func<long> _clock = PeerConnectionOptions.DefaultClock;
    private readonly byte[] _ping = new byte[PayloadBytes];
    private readonly long[] _sentNs;
    private readonly double[] _rttUs;
    private int _received;

    private RelayEchoPair(PeerConnection offerer, PeerConnection answerer, DataChannel channel, int capacity, double connectMs)
    {
        Offerer = offerer;
        Answerer = answerer;
        Channel = channel;
        ConnectMs = connectMs;
        _sentNs = new long[capacity];
        _rttUs = new double[capacity];
        channel.OnMessage = OnPong;
    }

    public PeerConnection Offerer { get; }

    public PeerConnection Answerer { get; }

    public DataChannel Channel { get; }

    /// <summary>From creating the offerer to the channel acknowledged (the TURN allocation included for a relay pair).</summary>
    public double ConnectMs { get; }

    public int Received => Volatile.Read(ref _received);

    /// <summary>Whether the offerer's data to the answerer rides a bound TURN channel (ChannelData), not Send indications.</summary>
    public bool ChannelBound => Offerer.Turn is { } turn && turn.GetBoundChannel(Answerer.LocalEndPoint) != 0;

    /// <param name="turn">null: host pair (no ICE servers); else the offerer gets only a relay candidate on this coturn.</param>
    public static async Task<RelayEchoPair> OpenAsync(CoturnProcess? turn, int capacity)
    {
        var start = Stopwatch.StartNew();
        var offererOptions = new PeerConnectionOptions { LocalAddress = IPAddress.Loopback };
        if (turn is not null)
        {
            offererOptions = offererOptions with
            {
                IceServers = [new RtcIceServer([turn.TurnUrl], CoturnProcess.Username, CoturnProcess.Password)],
                IceTransportPolicy = IceTransportPolicy.Relay,
            };
        }
        var offerer = PeerConnection.CreateOfferer(offererOptions);
        PeerConnection? answerer = null;
        try
        {
            var channel = offerer.CreateDataChannel("reliable");
            await Within(offerer.WhenGatheringComplete, "gathering").ConfigureAwait(false);
            if (turn is not null && offerer.LocalCandidates.Count != 1)
            {
                throw new InvalidOperationException($"relay offerer: expected one (relay) candidate, got {offerer.LocalCandidates.Count}; {offerer.RelayStatus}");
            }
            answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), new PeerConnectionOptions { LocalAddress = IPAddress.Loopback });
            answerer.DataChannelOpened += static ch => ch.OnMessage = static (c, message, _, _) => c.Send(message);
            offerer.SetRemoteAnswer(answerer.LocalDescription!);
            var outcome = await Within(offerer.WhenConnected, "connect").ConfigureAwait(false);
            if (!outcome.Connected)
            {
                throw new InvalidOperationException($"offerer did not connect: {outcome}; {offerer.RelayStatus}");
            }
            if (!await Within(channel.WhenOpen, "channel open").ConfigureAwait(false))
            {
                throw new InvalidOperationException("the channel was not acknowledged");
            }
            return new RelayEchoPair(offerer, answerer, channel, capacity, start.Elapsed.TotalMilliseconds);
        }
        catch
        {
            if (answerer is not null)
            {
                await answerer.DisposeAsync().ConfigureAwait(false);
            }
            await offerer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Forget earlier pings; seqs start again at 0. Call only when no pong is in flight.</summary>
    public void Reset()
    {
        Array.Fill(_rttUs, double.NaN);
        Volatile.Write(ref _received, 0);
    }

    public void Send(int seq)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_ping, seq);
        long now = _clock();
        Volatile.Write(ref _sentNs[seq], now);
        if (!Channel.Send(_ping))
        {
            throw new InvalidOperationException($"send {seq} refused");
        }
    }

    /// <summary>
    /// Send <paramref name="count"/> pings open-loop, then wait up to <paramref name="drain"/> for the pongs; returns the
    /// pongs received. Above 1 ms: one every <paramref name="interval"/> on a fixed schedule (not after the previous
    /// pong). At 1 ms or less: send, <c>Thread.Sleep(1)</c>, as <see cref="DirectAllocationBenchmark"/> paces (~1.1 ms).
    /// The pacer only sleeps, never spins: on 2 cores a spinning pacer takes a core from the stack and coturn.
    /// </summary>
    public int Pace(int count, TimeSpan interval, TimeSpan drain)
    {
        Reset();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            if (interval <= TimeSpan.FromMilliseconds(1))
            {
                Send(i);
                Thread.Sleep(1);
                continue;
            }
            long due = start + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
            long left;
            while ((left = due - Stopwatch.GetTimestamp()) > 0)
            {
                Thread.Sleep((int)Math.Ceiling(left * 1000.0 / Stopwatch.Frequency));
            }
            Send(i);
        }
        var deadline = Stopwatch.StartNew();
        while (Received < count && deadline.Elapsed < drain)
        {
            Thread.Sleep(2);
        }
        return Received;
    }

    /// <summary>The RTTs (µs) of pings <paramref name="from"/>..<paramref name="to"/>-1 that came back.</summary>
    public void CopyRtts(int from, int to, List<double> into)
    {
        for (int i = from; i < to; i++)
        {
            if (!double.IsNaN(_rttUs[i]))
            {
                into.Add(_rttUs[i]);
            }
        }
    }

    private void OnPong(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs)
    {
        if (message.Length < 4)
        {
            return;
        }
        int seq = BinaryPrimitives.ReadInt32LittleEndian(message);
        if (seq >= 0 && seq < _rttUs.Length && double.IsNaN(_rttUs[seq]))
        {
            _rttUs[seq] = (receivedNs - Volatile.Read(ref _sentNs[seq])) / 1000.0;
            Interlocked.Increment(ref _received);
        }
    }

    private static async Task<T> Within<T>(Task<T> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(StepTimeout)).ConfigureAwait(false) != task)
        {
            throw new TimeoutException($"{what} did not complete within {StepTimeout.TotalSeconds:0} s");
        }
        return await task.ConfigureAwait(false);
    }

    private static async Task Within(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(StepTimeout)).ConfigureAwait(false) != task)
        {
            throw new TimeoutException($"{what} did not complete within {StepTimeout.TotalSeconds:0} s");
        }
        await task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Offerer.DisposeAsync().ConfigureAwait(false);
        await Answerer.DisposeAsync().ConfigureAwait(false);
    }
}
