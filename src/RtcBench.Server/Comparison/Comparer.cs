using RtcBench.Core.Statistics;
using RtcBench.Server.Contracts;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Comparison;

/// <summary>
/// Compares two platforms' pooled ok-ping RTTs: differences (a − b) of medians and of p95, and the median difference
/// relative to the slower median ("x % faster"), with bootstrap 95% CIs, and a two-sided Mann–Whitney U test. A winner (the lower median) is declared only when p &lt; 0.05 AND the CI
/// of the median difference excludes 0.
/// </summary>
public static class Comparer
{
    public const double Alpha = 0.05;

    /// <summary>Fewer ok pings than this on a side: no test, no winner.</summary>
    public const int MinPings = 20;

    public static CompareResponse Compare(
        string a, IReadOnlyList<RunPings> runsA, string b, IReadOnlyList<RunPings> runsB,
        string? location, string? channel, DateTimeOffset since, DateTimeOffset until)
    {
        double[] sa = Pool(runsA);
        double[] sb = Pool(runsB);
        var response = new CompareResponse
        {
            A = Side(a, runsA.Count, sa),
            B = Side(b, runsB.Count, sb),
            Location = location,
            Channel = channel,
            Since = since,
            Until = until,
            CiMethod = Bootstrap.Method,
            Alpha = Alpha,
            Reason = "",
        };
        if (sa.Length < MinPings || sb.Length < MinPings)
        {
            return response with
            {
                Reason = $"too few ok pings to compare (a: {sa.Length}, b: {sb.Length}; need at least {MinPings} on each side)",
            };
        }
        var (median, p95, relative) = Bootstrap.DifferenceIntervals(sa, sb);
        var (u, z, p) = MannWhitney.Test(sa, sb);
        double medianA = Percentile.Linear(sa, 0.5);
        double medianB = Percentile.Linear(sb, 0.5);
        response = response with
        {
            MedianDifferenceUs = new DifferenceEstimate { Estimate = medianA - medianB, Ci95Low = median.Low, Ci95High = median.High },
            MedianRelativeDifference = new DifferenceEstimate
            {
                Estimate = Bootstrap.Relative(medianA, medianB),
                Ci95Low = relative.Low,
                Ci95High = relative.High,
            },
            P95DifferenceUs = new DifferenceEstimate
            {
                Estimate = Percentile.Linear(sa, 0.95) - Percentile.Linear(sb, 0.95),
                Ci95Low = p95.Low,
                Ci95High = p95.High,
            },
            Test = new SignificanceTest
            {
                Name = "mann-whitney-u",
                Method = "two-sided, normal approximation with tie and continuity correction",
                U = u,
                Z = z,
                PValue = p,
            },
        };
        string pText = p.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
        if (!(p < Alpha))
        {
            return response with { Reason = $"no significant difference: Mann-Whitney p = {pText} >= {Alpha}" };
        }
        if (!median.Excludes(0))
        {
            return response with { Reason = $"Mann-Whitney p = {pText}, but the 95% CI of the median difference includes 0" };
        }
        string winner = median.High < 0 ? a : b;
        return response with
        {
            Winner = winner,
            Reason = $"{winner} has the lower median: Mann-Whitney p = {pText} < {Alpha} and the 95% CI of the median difference excludes 0",
        };
    }

    private static CompareSide Side(string platform, int runs, double[] sorted) => new()
    {
        Platform = platform,
        Runs = runs,
        Count = sorted.Length,
        MeanUs = sorted.Length > 0 ? sorted.Average() : null,
        P50Us = sorted.Length > 0 ? Percentile.Linear(sorted, 0.5) : null,
        P95Us = sorted.Length > 0 ? Percentile.Linear(sorted, 0.95) : null,
    };

    private static double[] Pool(IReadOnlyList<RunPings> runs)
    {
        var pooled = new double[runs.Sum(r => r.RttUs.Length)];
        int at = 0;
        foreach (var run in runs)
        {
            run.RttUs.CopyTo(pooled, at);
            at += run.RttUs.Length;
        }
        Array.Sort(pooled);
        return pooled;
    }
}
