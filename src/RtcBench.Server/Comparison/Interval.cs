namespace RtcBench.Server.Comparison;

/// <summary>A confidence interval [Low, High].</summary>
internal readonly record struct Interval(double Low, double High)
{
    public bool Excludes(double value) => value < Low || value > High;
}
