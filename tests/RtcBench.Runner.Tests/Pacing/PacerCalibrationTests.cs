using RtcBench.Core.Timing;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>Calibration before the first run, on the manual clock.</summary>
public sealed class PacerCalibrationTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void Run_SteadyOversleep_FirstPacerStartsWithTheLearntMarginNotTheCeiling()
    {
        var waits = new FakeWaits(_clock) { Oversleep = i => i % 50 == 7 ? 90_000 : 30_000 };
        var window = new OversleepWindow();

        int added = PacerCalibration.Run(window, waits, new MonoTime(_clock), CancellationToken.None);

        Assert.Equal(PacerCalibration.Samples, added);
        Assert.Equal(PacerCalibration.Samples, window.Count);
        // Half a window: the margin covers the second-largest oversleep (90 µs here), not the 1 ms ceiling.
        var pacer = new SendPacer(new MonoTime(_clock), waits, window);
        Assert.Equal(90_000 + SendPacer.GuardNs, pacer.MarginNs);
        Assert.Equal(PacerCalibration.Samples, waits.PreciseSleeps);
        Assert.Equal(0, waits.CoarseSleeps);
    }

    [Fact]
    public void Run_Stopped_AddsNothing()
    {
        var waits = new FakeWaits(_clock);
        var window = new OversleepWindow();
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        Assert.Equal(0, PacerCalibration.Run(window, waits, new MonoTime(_clock), stop.Token));

        Assert.Equal(0, window.Count);
        Assert.Equal(SendPacer.MaxMarginNs, window.MarginNs);
    }

    [Fact]
    public void Run_WindowAlreadyCalibrated_TopsItUpOnly()
    {
        var waits = new FakeWaits(_clock) { Oversleep = _ => 30_000 };
        var window = new OversleepWindow();
        for (int i = 0; i < PacerCalibration.Samples - 10; i++)
        {
            window.Add(30_000);
        }

        Assert.Equal(10, PacerCalibration.Run(window, waits, new MonoTime(_clock), CancellationToken.None));
    }
}
