using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner;

/// <summary>
/// Drives a <see cref="PingSession"/> over a channel on a dedicated thread: sends each ping at its scheduled time
/// (open loop: answers never gate sends; after a stall, overdue pings catch up at twice the scheduled rate, see
/// <see cref="CatchUp"/>), feeds received messages to the session, and stops when the session is complete, when asked
/// to stop sending (then waits for in-flight answers up to their deadline) or when aborted.
/// The send path allocates nothing; between sends it sleeps on a high-resolution timer and spins only the last
/// tens of µs (<see cref="SendPacer"/>).
/// </summary>
internal sealed class PingDriver : IMessageSink
{
    private const long ProgressEveryNs = 200_000_000;

    /// <summary>A send this close is waited for by <see cref="ISendPacer.WaitForSend"/> in one go: one precise
    /// (not stoppable) sleep and a short spin, so at the pacings that need precision (≤ 20 ms) one timer wake-up per
    /// ping. A stop request is noticed at the latest this long after it is made.</summary>
    internal const long PreciseWaitNs = SendPacer.DefaultPreciseSpanNs;

    /// <summary>A progress report due less than this before the next send waits until just after that send.</summary>
    private const long ProgressGapNs = 5_000_000;

    /// <summary>The shortest mean interval at which the driver's thread asks for real-time priority: the pacer spins
    /// at most <see cref="SendPacer.MaxMarginNs"/> per send, so at real-time priority it holds at most a quarter of a
    /// core and never shuts a normal task (the in-process agent, the receive thread) out of one.</summary>
    internal const long RealTimeMinIntervalNs = 4 * SendPacer.MaxMarginNs;

    private readonly PingSession _session;
    private readonly IPingChannel _channel;
    private readonly MonoTime _clock;
    private readonly Func<CancellationToken, CancellationToken, IWaitingReceiver?, ISendPacer>? _pacerFactory;
    private readonly PacingCalibration? _calibration;
    private readonly bool _receiveOnSendingThread;
    private readonly bool _stampAfterEncoding;
    private readonly bool _realTimePacing;
    private readonly byte[] _buffer = new byte[PingCodec.MaxMessageBytes];
    private volatile ISendPacer? _pacer;
    private volatile int _driverThreadId = -1;

    /// <param name="pacerFactory">Makes the pacer from the stop-sending and abort tokens; null for <see cref="SendPacer"/>
    /// (benchmarks swap it).</param>
    /// <param name="calibration">The <see cref="SendPacer"/>'s calibration, shared across a runner's runs; null starts afresh.</param>
    /// <param name="receiveOnSendingThread">With the default pacer and a channel that is an <see cref="IWaitingReceiver"/>,
    /// this thread receives the answers itself while it waits between sends (false: the channel's own receive thread
    /// does; benchmarks compare the two).</param>
    /// <param name="realTimePacing">Let the default pacer's thread ask for real-time priority (<see cref="WantsRealTime"/>;
    /// off by default: it made the udp RTT longer, bench/results/runner-cpu.md).</param>
    /// <param name="stampAfterEncoding">Encode each ping, then read t1 and write it into the ping (false: read t1, then
    /// encode, as before; benchmarks compare the two).</param>
    public PingDriver(
        PingSession session,
        IPingChannel channel,
        MonoTime clock,
        Func<CancellationToken, CancellationToken, IWaitingReceiver?, ISendPacer>? pacerFactory = null,
        PacingCalibration? calibration = null,
        bool receiveOnSendingThread = true,
        bool stampAfterEncoding = true,
        bool realTimePacing = false)
    {
        _realTimePacing = realTimePacing;
        _stampAfterEncoding = stampAfterEncoding;
        _receiveOnSendingThread = receiveOnSendingThread;
        _session = session;
        _channel = channel;
        _clock = clock;
        _pacerFactory = pacerFactory;
        _calibration = calibration;
    }

    public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
    {
        _session.OnMessage(message, receivedNs);
        if (Environment.CurrentManagedThreadId == _driverThreadId)
        {
            _pacer?.OnAnswered(); // read by the driver's own thread in its wait: see SystemPacingWaits.OnSent
        }
    }

    /// <summary>Whether the driver's thread asks for real-time priority for a run of <paramref name="config"/> on a
    /// machine of <paramref name="processorCount"/> cores: with at least two (one stays for everything else) and a
    /// mean interval of at least <see cref="RealTimeMinIntervalNs"/>.</summary>
    internal static bool WantsRealTime(RunConfig config, int processorCount) =>
        processorCount >= 2 && config.Interval.Ticks * 100 >= RealTimeMinIntervalNs;

    /// <summary>Whether the driver's thread ran at real-time priority (known once the run has started; for benchmarks and tests).</summary>
    public bool RanAtRealTime { get; private set; }

    /// <summary>Runs to completion on a new thread; the task completes when the session is complete or aborted.</summary>
    public Task RunAsync(Action<int, int>? progress, CancellationToken stopSending, CancellationToken abort)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Run(progress, stopSending, abort);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "rtcbench-ping-driver",
            Priority = ThreadPriority.AboveNormal,
        };
        thread.Start();
        return done.Task;
    }

    private void Run(Action<int, int>? progress, CancellationToken stopSending, CancellationToken abort)
    {
        _channel.SetSink(this);
        // Receive on this thread too (one thread sends and receives, as a plain echo client does): the waits receive
        // while they wait (a benchmark's pacer factory is handed the receiver and must wait with it).
        IWaitingReceiver? receiver = _receiveOnSendingThread && _channel is IWaitingReceiver r && r.BeginReceivingHere() ? r : null;
        try
        {
            Drive(progress, receiver, stopSending, abort);
        }
        finally
        {
            receiver?.EndReceivingHere();
            _channel.SetSink(null);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Drive(Action<int, int>? progress, IWaitingReceiver? receiver, CancellationToken stopSending, CancellationToken abort)
    {
        using var waits = _pacerFactory is null ? new SystemPacingWaits(stopSending, abort, receiver) : null;
        ISendPacer pacer;
        if (waits is not null)
        {
            RanAtRealTime = waits.PrepareThread(_realTimePacing && WantsRealTime(_session.Config, Environment.ProcessorCount));
            var sendPacer = new SendPacer(_clock, waits, _calibration);
            sendPacer.Prepare();
            pacer = sendPacer;
        }
        else
        {
            pacer = _pacerFactory!(stopSending, abort, receiver);
        }
        _driverThreadId = Environment.CurrentManagedThreadId;
        _pacer = pacer;
        PrepareSendPath();
        long nextProgressNs = 0;
        long previousScheduledNs = 0;
        long previousSentNs = CatchUp.NoneSent;
        bool justSent = false;
        while (!abort.IsCancellationRequested)
        {
            if (stopSending.IsCancellationRequested)
            {
                _session.StopSending();
            }
            long now = _clock.NowNs();
            if (_session.IsComplete(now))
            {
                break;
            }
            long scheduled = _session.NextSendDueNs;
            long due = CatchUp.SendAtNs(scheduled, previousScheduledNs, previousSentNs);
            if (due <= now)
            {
                // A due ping goes first: nothing (not even a progress report) runs between the wait and the send.
                // It is encoded first and then stamped with the send time t1 read right before the send, as a raw
                // echo client reads its clock right before send(): the encoding is not inside the round trip.
                long sentNs = _clock.NowNs();
                int length = _session.WriteNextPing(sentNs, _buffer, out _);
                if (_stampAfterEncoding)
                {
                    sentNs = _clock.NowNs();
                    length = _session.RestampLastPing(sentNs, _buffer, length);
                }
                _channel.Send(_buffer.AsSpan(0, length));
                pacer.OnSent();
                previousScheduledNs = scheduled;
                previousSentNs = sentNs;
                justSent = true;
                continue;
            }
            // Progress is reported only here: just after a send, when the next one is furthest away, or with no
            // send near; so a slow observer (a console write on a loaded machine) delays no send.
            bool reportNow = now >= nextProgressNs && (justSent || due == long.MaxValue || due - now > ProgressGapNs);
            justSent = false;
            if (reportNow)
            {
                ReportProgress(progress, receiver);
                nextProgressNs = now + ProgressEveryNs;
                continue; // the report took time: look at the clock again
            }
            if (due != long.MaxValue && due - now <= PreciseWaitNs)
            {
                pacer.WaitForSend(due);
                continue;
            }
            // No send soon: sleep (stoppably) to the next progress report or a little before the next send, and at
            // least every 5 ms once all pings are out so completion is noticed promptly, or to the final deadline.
            long wakeAt;
            if (due == long.MaxValue)
            {
                long finalDeadline = _session.FinalDeadlineNs;
                wakeAt = Math.Min(Math.Min(nextProgressNs, now + 5_000_000), finalDeadline == long.MaxValue ? long.MaxValue : finalDeadline + 1);
            }
            else
            {
                wakeAt = due - PreciseWaitNs;
                if (nextProgressNs < wakeAt)
                {
                    wakeAt = nextProgressNs;
                }
            }
            pacer.WaitLoosely(wakeAt);
        }
        progress?.Invoke(_session.SentCount, _session.AnsweredCount);
    }

    /// <summary>
    /// Compiles the send path before ping 0 (<see cref="HotPath"/>): writing a ping is inside its <c>send_delay</c> (t1 is
    /// read after the encoding), and compiled at ping 0 it sent that ping ~0.7 ms late in quickstart. The encoder runs
    /// once on a scratch copy (this buffer, rewritten by every send); the session's methods are compiled without running.
    /// </summary>
    private void PrepareSendPath()
    {
        HotPath.Prepare(typeof(PingSession), nameof(PingSession.WriteNextPing), nameof(PingSession.RestampLastPing));
        HotPath.Prepare(typeof(PingCodec), "TryRestampPing");
        _ = PingCodec.WritePing(_buffer, _session.RunId, 0, _clock.NowNs(), _session.Config.PayloadBytes);
    }

    /// <summary>
    /// A progress report. When this thread is the receiver, the channel's receive thread takes over during the report,
    /// so an answer that arrives while the observer runs (a console write can take milliseconds on a loaded machine) is
    /// read and timestamped at once, not when the report is done.
    /// </summary>
    private void ReportProgress(Action<int, int>? progress, IWaitingReceiver? receiver)
    {
        if (progress is null)
        {
            return;
        }
        if (receiver is null)
        {
            progress(_session.SentCount, _session.AnsweredCount);
            return;
        }
        receiver.EndReceivingHere();
        try
        {
            progress(_session.SentCount, _session.AnsweredCount);
        }
        finally
        {
            receiver.BeginReceivingHere();
        }
    }
}
