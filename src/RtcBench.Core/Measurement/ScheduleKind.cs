namespace RtcBench.Core.Measurement;

/// <summary>How send times are spaced: a fixed interval, or Poisson (exponential gaps, same mean).</summary>
public enum ScheduleKind
{
    Fixed,
    Poisson,
}
