using RtcBench.Core.Histograms;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Validation;

/// <summary>
/// The histogram's form (encoding, unit, accuracy, canonical base64 that decodes) and its agreement with the
/// statistics: it holds exactly stats.ok values, from stats.rtt.min_us to stats.rtt.max_us.
/// </summary>
internal static class HistogramRules
{
    /// <summary>Checks the histogram; on success <paramref name="decoded"/> is its content (null when empty).</summary>
    /// <param name="h">The document's histogram.</param>
    /// <param name="stats">The document's statistics.</param>
    /// <param name="againstStats">Check its range against stats.rtt (without pings; with pings both are recomputed).</param>
    /// <param name="decoded">The decoded histogram.</param>
    public static string? Check(HistogramRecord? h, RunStatistics stats, bool againstStats, out LogHistogram? decoded)
    {
        decoded = null;
        if (h is null)
        {
            return "histogram: missing";
        }
        if (h.Encoding != LogHistogram.EncodingName)
        {
            return $"histogram.encoding: unknown encoding {TextRules.Quote(h.Encoding)}; expected {LogHistogram.EncodingName}";
        }
        if (h.Unit != "us")
        {
            return $"histogram.unit: unknown unit {TextRules.Quote(h.Unit)}; expected us";
        }
        if (h.RelativeAccuracy != LogHistogram.RelativeAccuracy)
        {
            return $"histogram.relative_accuracy: {Tolerance.Show(h.RelativeAccuracy)}; {LogHistogram.EncodingName} has {Tolerance.Show(LogHistogram.RelativeAccuracy)}";
        }
        if (h.Count != stats.Ok)
        {
            return $"histogram.count: {h.Count} is not stats.ok ({stats.Ok}); the histogram holds the ok pings' RTTs";
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(h.Data ?? "");
        }
        catch (FormatException)
        {
            return "histogram.data: not base64";
        }
        if (!string.Equals(Convert.ToBase64String(bytes), h.Data, StringComparison.Ordinal))
        {
            return "histogram.data: not canonical base64 (padding or whitespace)";
        }
        if (bytes.Length == 0)
        {
            return h.Count == 0 ? null : "histogram.data: empty but histogram.count is not 0";
        }
        if (!LogHistogram.TryDeserialize(bytes, out decoded))
        {
            return $"histogram.data: not a valid {LogHistogram.EncodingName} histogram";
        }
        if (decoded!.Count != h.Count)
        {
            return $"histogram.data: holds {decoded.Count} values, but histogram.count is {h.Count}";
        }
        if (againstStats && stats.Rtt is { } rtt && decoded.Count > 0
            && (!Tolerance.AgreesUs(decoded.Min, rtt.MinUs) || !Tolerance.AgreesUs(decoded.Max, rtt.MaxUs)))
        {
            return $"histogram.data: holds values from {Tolerance.Show(decoded.Min)} to {Tolerance.Show(decoded.Max)} µs, "
                + $"but stats.rtt runs from {Tolerance.Show(rtt.MinUs)} to {Tolerance.Show(rtt.MaxUs)}";
        }
        return null;
    }

    /// <summary>
    /// The posted histogram against the one built from the ok pings' rtt_us: the same values in the same buckets
    /// (bucket counts are integers: no tolerance), the same minimum and maximum within <see cref="Tolerance"/>.
    /// </summary>
    public static string? Agrees(LogHistogram? posted, LogHistogram recomputed)
    {
        if (recomputed.Count == 0)
        {
            return posted is null || posted.Count == 0 ? null : "histogram.data: holds values, but no ping is ok";
        }
        if (posted is null)
        {
            return "histogram.data: empty, but the pings hold ok RTTs";
        }
        using var mine = posted.Buckets.GetEnumerator();
        using var theirs = recomputed.Buckets.GetEnumerator();
        while (true)
        {
            bool more = mine.MoveNext();
            bool theirsMore = theirs.MoveNext();
            if (!more && !theirsMore)
            {
                break;
            }
            var a = more ? mine.Current : default;
            var b = theirsMore ? theirs.Current : default;
            if (!more || !theirsMore || a.LowUs != b.LowUs || a.Count != b.Count)
            {
                var at = !more ? b : !theirsMore ? a : a.LowUs <= b.LowUs ? a : b;
                long postedCount = Count(posted, at.LowUs);
                long pingCount = Count(recomputed, at.LowUs);
                return $"histogram.data: {postedCount} values in the bucket {Tolerance.Show(at.LowUs)}–{Tolerance.Show(at.HighUs)} µs, "
                    + $"but the ok pings' rtt_us put {pingCount} there";
            }
        }
        if (!Tolerance.AgreesUs(posted.Min, recomputed.Min) || !Tolerance.AgreesUs(posted.Max, recomputed.Max))
        {
            return $"histogram.data: its minimum and maximum ({Tolerance.Show(posted.Min)}, {Tolerance.Show(posted.Max)}) are not "
                + $"the ok pings' ({Tolerance.Show(recomputed.Min)}, {Tolerance.Show(recomputed.Max)})";
        }
        return null;
    }

    private static long Count(LogHistogram histogram, double lowUs)
    {
        foreach (var bucket in histogram.Buckets)
        {
            if (bucket.LowUs == lowUs)
            {
                return bucket.Count;
            }
        }
        return 0;
    }
}
