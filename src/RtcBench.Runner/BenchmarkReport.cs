using RtcBench.Core.Results;

namespace RtcBench.Runner;

/// <summary>The runs a benchmark produced, and the platforms or channels that could not run.</summary>
public sealed record BenchmarkReport(IReadOnlyList<RunResult> Results, IReadOnlyList<BenchmarkFailure> Failures, bool Interrupted);

/// <summary>A platform or channel that produced no run, and why.</summary>
public sealed record BenchmarkFailure(string Platform, RunnerFailure Kind, string Message);
