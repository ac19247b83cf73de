using RtcBench.Core.Timing;
using RtcBench.Runner.Pacing;

namespace RtcBench.Bench;

/// <summary>
/// The pacing the runner had before issue 16, kept here only to be measured against: a millisecond wait on the stop
/// handle until 1 ms before the send (the timeout truncated to whole milliseconds), then a spin to the send time.
/// </summary>
internal sealed class LegacySpinPacer : ISendPacer, IDisposable
{
    private const long SpinWindowNs = 1_000_000;

    private readonly MonoTime _clock;
    private readonly CancellationTokenSource _either;

    public LegacySpinPacer(MonoTime clock, CancellationToken stopSending, CancellationToken abort)
    {
        _clock = clock;
        _either = CancellationTokenSource.CreateLinkedTokenSource(stopSending, abort);
    }

    public bool WaitForSend(long dueNs)
    {
        long remaining = dueNs - _clock.NowNs();
        if (remaining > SpinWindowNs && _either.Token.WaitHandle.WaitOne(TimeSpan.FromTicks(Math.Max(1, (remaining - SpinWindowNs) / 100))))
        {
            return false;
        }
        while (_clock.NowNs() < dueNs)
        {
            Thread.SpinWait(20);
        }
        return true;
    }

    public bool WaitLoosely(long untilNs)
    {
        long remaining = untilNs - _clock.NowNs();
        return remaining <= 0 || !_either.Token.WaitHandle.WaitOne(TimeSpan.FromTicks(Math.Max(1, remaining / 100)));
    }

    public void Dispose() => _either.Dispose();
}
