using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Runner.Pacing;

namespace RtcBench.Bench;

/// <summary>
/// An experiment for the udp-floor benchmark: precise sleeps (the driver's own waits, receiving while they wait) up to
/// the send time and no spin at all, so the runner's thread uses about as little CPU between pings as a raw echo
/// client; sends are late by the timer's oversleep.
/// </summary>
internal sealed class NoSpinPacer : ISendPacer, IDisposable
{
    private readonly MonoTime _clock;
    private readonly SystemPacingWaits _waits;

    public NoSpinPacer(MonoTime clock, IWaitingReceiver? receiver, CancellationToken stopSending, CancellationToken abort)
    {
        _clock = clock;
        _waits = new SystemPacingWaits(stopSending, abort, receiver);
        _waits.PrepareThread();
    }

    public bool WaitForSend(long dueNs)
    {
        for (long now = _clock.NowNs(); now < dueNs; now = _clock.NowNs())
        {
            _waits.SleepPrecise(dueNs - now);
        }
        return true;
    }

    public bool WaitLoosely(long untilNs)
    {
        long remaining = untilNs - _clock.NowNs();
        return remaining <= 0 || !_waits.SleepCoarse(Math.Max(remaining, 1_000_000));
    }

    public void Dispose() => _waits.Dispose();
}
