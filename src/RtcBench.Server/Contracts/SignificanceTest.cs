namespace RtcBench.Server.Contracts;

/// <summary>The significance test behind a winner.</summary>
public sealed record SignificanceTest
{
    public required string Name { get; init; }

    public required string Method { get; init; }

    public double U { get; init; }

    public double Z { get; init; }

    public double PValue { get; init; }
}
