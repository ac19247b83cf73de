using HdrHistogram;
using RtcBench.Core.Results;

namespace RtcBench.Cli.Export;

/// <summary>
/// <c>results export --format hdr</c>: the runs' RTT histograms as an HdrHistogram interval log (the standard
/// <c>.hlog</c> text: a header, then one line per run with its compressed V2 histogram in base64), written by
/// HdrHistogram's own <see cref="HistogramLogWriter"/>, so HistogramLogProcessor, HdrHistogram's plotters and every
/// HdrHistogram library read it. One histogram per run: its ok pings' RTTs in microseconds (rounded; at least 1), 3
/// significant digits, start and end the run's; tag <c>platform/channel/location/run-id</c>.
/// </summary>
internal static class HdrExport
{
    /// <summary>An hour in µs: above any --deadline (at most 5 minutes), so every ok ping fits.</summary>
    public const long HighestTrackableUs = 3_600_000_000;

    public const int SignificantDigits = 3;

    /// <summary>The run's ok-ping RTT histogram (needs the run read with its pings).</summary>
    public static LongHistogram ToHistogram(RunResult run)
    {
        var histogram = new LongHistogram(HighestTrackableUs, SignificantDigits)
        {
            Tag = Tag(run),
            StartTimeStamp = run.StartedAt.ToUnixTimeMilliseconds(),
            EndTimeStamp = run.EndedAt.ToUnixTimeMilliseconds(),
        };
        foreach (var ping in run.Pings)
        {
            if (ping.Status == "ok" && ping.RttUs is { } rtt)
            {
                histogram.RecordValue(Math.Clamp((long)Math.Round(rtt), 1, HighestTrackableUs));
            }
        }
        return histogram;
    }

    /// <summary>platform/channel/location/run-id; characters the log format reserves (comma, space) become '_'.</summary>
    public static string Tag(RunResult run)
    {
        string location = string.IsNullOrEmpty(run.Location) ? "-" : run.Location;
        string tag = $"{run.Platform}/{run.Channel}/{location}/{run.RunId}";
        return new string(tag.Select(c => c is ',' || char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c).ToArray());
    }

    /// <summary>Writes the log: header (start time = the first run's start), then one histogram per run in order.</summary>
    public static void Write(Stream stream, IReadOnlyList<RunResult> runs)
    {
        var start = runs.Count > 0 ? runs.Min(r => r.StartedAt).UtcDateTime : DateTime.UnixEpoch;
        using var writer = new HistogramLogWriter(stream);
        writer.Write(start, runs.Select(ToHistogram).ToArray<HistogramBase>());
    }
}
