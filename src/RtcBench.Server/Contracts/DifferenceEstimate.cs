namespace RtcBench.Server.Contracts;

/// <summary>A difference and its 95% confidence interval.</summary>
public sealed record DifferenceEstimate
{
    public double Estimate { get; init; }

    public double Ci95Low { get; init; }

    public double Ci95High { get; init; }
}
