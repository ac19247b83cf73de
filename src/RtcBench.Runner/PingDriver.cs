using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms;

namespace RtcBench.Runner;

/// <summary>
/// Drives a <see cref="PingSession"/> over a channel on a dedicated thread: sends each ping at its scheduled time
/// (open loop: answers never gate sends), feeds received messages to the session, and stops when the session is
/// complete, when asked to stop sending (then waits for in-flight answers up to their deadline) or when aborted.
/// The send path allocates nothing; waiting sleeps until ~1 ms before a send and then spins for precision.
/// </summary>
internal sealed class PingDriver : IMessageSink
{
    private const long SpinWindowNs = 1_000_000;
    private const long ProgressEveryNs = 200_000_000;

    private readonly PingSession _session;
    private readonly IPingChannel _channel;
    private readonly MonoTime _clock;
    private readonly byte[] _buffer = new byte[PingCodec.MaxMessageBytes];

    public PingDriver(PingSession session, IPingChannel channel, MonoTime clock)
    {
        _session = session;
        _channel = channel;
        _clock = clock;
    }

    public void OnMessage(ReadOnlySpan<byte> message, long receivedNs) => _session.OnMessage(message, receivedNs);

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
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopSending, abort);
        WaitHandle wakeHandle = wake.Token.WaitHandle;
        _channel.SetSink(this);
        long nextProgressNs = 0;
        try
        {
            while (!abort.IsCancellationRequested)
            {
                if (stopSending.IsCancellationRequested)
                {
                    _session.StopSending();
                }
                long now = _clock.NowNs();
                if (now >= nextProgressNs)
                {
                    progress?.Invoke(_session.SentCount, _session.AnsweredCount);
                    nextProgressNs = now + ProgressEveryNs;
                }
                if (_session.IsComplete(now))
                {
                    break;
                }
                long due = _session.NextSendDueNs;
                if (due <= now)
                {
                    int length = _session.WriteNextPing(_clock.NowNs(), _buffer, out _);
                    _channel.Send(_buffer.AsSpan(0, length));
                    continue;
                }
                // Nothing to send yet: wake for the next send, the final deadline, or a progress tick,
                // and at least every 5 ms once all pings are out so completion is noticed promptly.
                bool sendNext = due <= nextProgressNs;
                long wakeAt = sendNext ? due : nextProgressNs;
                if (due == long.MaxValue)
                {
                    long finalDeadline = _session.FinalDeadlineNs;
                    wakeAt = Math.Min(Math.Min(wakeAt, now + 5_000_000), finalDeadline == long.MaxValue ? long.MaxValue : finalDeadline + 1);
                }
                WaitUntil(wakeAt, wakeHandle, spin: sendNext);
            }
            progress?.Invoke(_session.SentCount, _session.AnsweredCount);
        }
        finally
        {
            _channel.SetSink(null);
        }
    }

    private void WaitUntil(long wakeAtNs, WaitHandle wakeHandle, bool spin)
    {
        long remaining = wakeAtNs - _clock.NowNs();
        if (remaining > SpinWindowNs || (!spin && remaining > 0))
        {
            long sleepNs = spin ? remaining - SpinWindowNs : remaining;
            if (wakeHandle.WaitOne(TimeSpan.FromTicks(Math.Max(1, sleepNs / 100))))
            {
                return; // stop or abort requested
            }
        }
        if (!spin)
        {
            return;
        }
        while (_clock.NowNs() < wakeAtNs)
        {
            Thread.SpinWait(20);
        }
    }
}
