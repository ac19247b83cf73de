using RtcBench.Core.Timing;

namespace RtcBench.Runner.Pacing;

/// <summary>
/// Fills an <see cref="OversleepWindow"/> before the first run: short precise sleeps on a thread of their own while the
/// runner checks the agent, joins the platform and waits for readiness, so the first run's pacer starts with a margin
/// learnt on this machine instead of the 1 ms ceiling (which it spins before every send until it has
/// <see cref="OversleepWindow.MinSamples"/> samples) and the largest of a handful. Stops when asked (the run starts:
/// nothing else wakes beside the measurement), when the window holds <see cref="Samples"/> or when a sleep fails.
/// </summary>
internal static class PacerCalibration
{
    /// <summary>Samples wanted: half a window, from which on the margin covers the second-largest oversleep.</summary>
    public const int Samples = OversleepWindow.Capacity / 2;

    /// <summary>Each calibration sleep; oversleep (the wake-up latency) does not depend on the length.</summary>
    public const long SleepNs = 1_000_000;

    /// <summary>Sleeps and records until <paramref name="stop"/> is set or the window holds <see cref="Samples"/>; returns how many it added.</summary>
    public static int Run(OversleepWindow window, IPacingWaits waits, MonoTime clock, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(waits);
        ArgumentNullException.ThrowIfNull(clock);
        int added = 0;
        while (!stop.IsCancellationRequested && window.Count < Samples)
        {
            long wakeAt = clock.NowNs() + SleepNs;
            waits.SleepPrecise(SleepNs);
            window.Add(clock.NowNs() - wakeAt);
            added++;
        }
        return added;
    }

    /// <summary>Starts <see cref="Run"/> on a background thread with the real waits; cancel the token to stop it.</summary>
    public static Task StartAsync(OversleepWindow window, MonoTime clock, CancellationToken stop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var waits = new SystemPacingWaits(stop, stop);
                waits.PrepareThread();
                Run(window, waits, clock, stop);
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "rtcbench-pacer-calibration",
        };
        thread.Start();
        return done.Task;
    }
}
