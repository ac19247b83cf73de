using RtcBench.Core.Measurement;
using RtcBench.Core.Results;

namespace RtcBench.Runner;

/// <summary>Hears what a benchmark is doing, for progress displays. Calls may come from any thread.</summary>
public interface IBenchmarkObserver
{
    /// <summary>A step such as "checking agent health" or "joining udp".</summary>
    void OnStep(string message);

    void OnRunStarted(string platform, string channel, int totalPings);

    /// <summary>Called a few times a second during a run with what it has measured so far (live p50, loss, time left).</summary>
    void OnProgress(PingProgress progress) => OnProgress(progress.Sent, progress.Answered, progress.Total);

    /// <summary>The counts alone, for observers that need no more (called by the default <see cref="OnProgress(PingProgress)"/>).</summary>
    void OnProgress(int sent, int answered, int totalPings)
    {
    }

    void OnRunFinished(RunResult result);
}
