namespace RtcBench.Server.Aggregation;

/// <summary>How figures are combined across runs (DESIGN §4): never by averaging percentiles.</summary>
internal enum AggregationMethod
{
    /// <summary>Merge each run's stored log histogram (≤1% relative error); fast, reads the runs table only.</summary>
    MergedHistogram,

    /// <summary>Pool every ok ping's RTT and take exact percentiles; reads the pings.</summary>
    PooledPings,
}

internal static class AggregationMethods
{
    public const string MergedHistogramName = "merged-histogram";

    public const string PooledPingsName = "pooled-pings";

    public const string MergedHistogramNote =
        "Each run's RTT histogram of ok pings (log buckets, relative error <= 1%) is merged per group; percentiles are "
        + "read from the merged histogram (order statistic of rank floor(q*(n-1)), within 1%); mean = mean of all ok "
        + "RTTs (run means weighted by their ok counts, exact); loss = sum(lost)/sum(sent); jitter = mean |dRTT| over "
        + "consecutive ok pings within runs (run values weighted by their pair counts, exact). Percentiles are never averaged.";

    public const string PooledPingsNote =
        "Every ok ping's RTT is pooled per group; percentiles by linear interpolation between order statistics of the "
        + "pooled values (NumPy default, exact); mean of the pooled RTTs; loss = sum(lost)/sum(sent); jitter = mean "
        + "|dRTT| over consecutive ok pings within runs. Percentiles are never averaged.";

    public static string Name(AggregationMethod method) =>
        method == AggregationMethod.PooledPings ? PooledPingsName : MergedHistogramName;

    public static string Note(AggregationMethod method) =>
        method == AggregationMethod.PooledPings ? PooledPingsNote : MergedHistogramNote;

    public static bool TryParse(string? text, out AggregationMethod method)
    {
        method = AggregationMethod.MergedHistogram;
        if (string.IsNullOrEmpty(text) || text == MergedHistogramName)
        {
            return true;
        }
        if (text == PooledPingsName)
        {
            method = AggregationMethod.PooledPings;
            return true;
        }
        return false;
    }
}
