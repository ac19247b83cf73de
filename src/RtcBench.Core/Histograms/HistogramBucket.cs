namespace RtcBench.Core.Histograms;

/// <summary>
/// One non-empty bucket of a <see cref="LogHistogram"/>: <see cref="Count"/> values v with
/// <see cref="LowUs"/> &lt; v ≤ <see cref="HighUs"/> (microseconds). The zero bucket is the exception: it holds
/// the values 0 ≤ v &lt; <see cref="LogHistogram.MinTrackableUs"/> and is reported as LowUs = 0,
/// HighUs = MinTrackableUs.
/// </summary>
public readonly record struct HistogramBucket(double LowUs, double HighUs, long Count);
