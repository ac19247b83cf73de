namespace RtcBench.Core.Histograms;

/// <summary>
/// PLACEHOLDER (being replaced by the real log-bucketed histogram in the statistics work): a mergeable
/// histogram of microsecond values with bounded relative error and a compact serialised form.
/// </summary>
public sealed class LogHistogram
{
    public const string EncodingName = "rtcbench-loghist/1";
    public const double RelativeAccuracy = 0.01;

    private readonly List<double> _values = [];

    public long Count => _values.Count;

    public void Record(double valueUs) => _values.Add(valueUs);

    public void Merge(LogHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _values.AddRange(other._values);
    }

    public double Quantile(double q)
    {
        if (_values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = _values.Order().ToArray();
        return sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
    }

    public byte[] Serialize() => [];

    public static bool TryDeserialize(ReadOnlySpan<byte> data, out LogHistogram? histogram)
    {
        histogram = data.IsEmpty ? new LogHistogram() : null;
        return histogram is not null;
    }
}
