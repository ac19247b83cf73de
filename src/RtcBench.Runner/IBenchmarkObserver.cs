using RtcBench.Core.Results;

namespace RtcBench.Runner;

/// <summary>Hears what a benchmark is doing, for progress displays. Calls may come from any thread.</summary>
public interface IBenchmarkObserver
{
    /// <summary>A step such as "checking agent health" or "joining udp".</summary>
    void OnStep(string message);

    void OnRunStarted(string platform, string channel, int totalPings);

    /// <summary>Called a few times a second during a run.</summary>
    void OnProgress(int sent, int answered, int totalPings);

    void OnRunFinished(RunResult result);
}
