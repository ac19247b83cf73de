using System.Text.Json.Serialization;

namespace RtcBench.Server.Contracts;

/// <summary>GET /api/results/compare: a against b over the same window, location and channel. Latencies in µs.</summary>
public sealed record CompareResponse
{
    public required CompareSide A { get; init; }

    public required CompareSide B { get; init; }

    public string? Location { get; init; }

    public string? Channel { get; init; }

    public required DateTimeOffset Since { get; init; }

    public required DateTimeOffset Until { get; init; }

    /// <summary>a's median − b's median, with its 95% CI; null when either side has too few pings.</summary>
    public DifferenceEstimate? MedianDifferenceUs { get; init; }

    /// <summary>
    /// (a's median − b's median) / the slower (larger) of the two medians, with its 95% CI from the same bootstrap
    /// replicates: −0.144 means a's median is 14.4 % below b's, "a is 14.4 % faster". Null when either side has too
    /// few pings. A figure, not a verdict: only <see cref="Winner"/> says the difference is significant.
    /// </summary>
    public DifferenceEstimate? MedianRelativeDifference { get; init; }

    /// <summary>a's p95 − b's p95, with its 95% CI.</summary>
    public DifferenceEstimate? P95DifferenceUs { get; init; }

    public required string CiMethod { get; init; }

    public SignificanceTest? Test { get; init; }

    public double Alpha { get; init; }

    /// <summary>The platform with the lower median, only when p &lt; alpha and the median-difference CI excludes 0.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Winner { get; init; }

    /// <summary>Why there is or is not a winner.</summary>
    public required string Reason { get; init; }
}
