using RtcBench.Core.Histograms;
using RtcBench.Core.Measurement;
using RtcBench.Core.Statistics;

namespace RtcBench.Core.Results;

/// <summary>Turns a finished <see cref="PingSession"/> into the run's result document.</summary>
public static class RunResultBuilder
{
    /// <param name="session">A session on which <see cref="PingSession.Finish"/> has been called.</param>
    /// <param name="metadata">What and where.</param>
    /// <param name="runnerWallAnchorUs">The runner clock's wall anchor (unix µs − monotonic µs), see MonoTime.</param>
    /// <param name="startedAt">Wall-clock start of the run.</param>
    /// <param name="endedAt">Wall-clock end of the run.</param>
    /// <param name="outcome">How the run ended.</param>
    public static RunResult Build(
        PingSession session,
        RunMetadata metadata,
        double runnerWallAnchorUs,
        DateTimeOffset startedAt,
        DateTimeOffset endedAt,
        RunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(metadata);
        ReadOnlySpan<PingRecord> records = session.Records;
        var stats = RunStatisticsCalculator.Compute(records, runnerWallAnchorUs);
        var histogram = new LogHistogram();
        var pings = new PingResult[records.Length];
        for (int i = 0; i < records.Length; i++)
        {
            ref readonly PingRecord r = ref records[i];
            if (r.Status == PingStatus.Ok)
            {
                histogram.Record(r.RttNs!.Value / 1000.0);
            }
            bool sent = r.SentNs != 0;
            pings[i] = new PingResult
            {
                Seq = r.Seq,
                Status = r.Status.ToWire(),
                ScheduledAt = ToUtc(runnerWallAnchorUs, r.ScheduledNs),
                SentAt = sent ? ToUtc(runnerWallAnchorUs, r.SentNs) : null,
                SendDelayUs = sent ? r.SendDelayNs / 1000.0 : null,
                RttUs = r.RttNs / 1000.0,
                NetRttUs = r.NetRttNs / 1000.0,
            };
        }
        var config = session.Config;
        return new RunResult
        {
            RunId = session.RunId.ToString(),
            ToolVersion = metadata.ToolVersion,
            Platform = metadata.Platform,
            Channel = metadata.Channel,
            TransportMode = metadata.TransportMode,
            Location = metadata.Location,
            Latitude = metadata.Latitude,
            Longitude = metadata.Longitude,
            AgentLocation = metadata.AgentLocation,
            RunnerHost = metadata.RunnerHost,
            StartedAt = startedAt,
            EndedAt = endedAt,
            Config = new RunConfigRecord
            {
                Count = config.Count,
                IntervalMs = config.Interval.TotalMilliseconds,
                Warmup = config.Warmup,
                DeadlineMs = config.Deadline.TotalMilliseconds,
                PayloadBytes = config.PayloadBytes,
                Schedule = config.Schedule == ScheduleKind.Poisson ? "poisson" : "fixed",
                Seed = config.Schedule == ScheduleKind.Poisson ? config.Seed : null,
            },
            Outcome = outcome,
            Path = metadata.Path,
            Stats = stats,
            Histogram = new HistogramRecord
            {
                Encoding = LogHistogram.EncodingName,
                RelativeAccuracy = LogHistogram.RelativeAccuracy,
                Count = histogram.Count,
                Data = Convert.ToBase64String(histogram.Serialize()),
            },
            Pings = pings,
        };
    }

    /// <summary>
    /// Places a runner-monotonic time (ns) in UTC using the runner's wall anchor, rounded to the microsecond
    /// (the resolution every store keeps, so a stored run reads back equal).
    /// </summary>
    public static DateTimeOffset ToUtc(double wallAnchorUs, long monoNs)
    {
        long unixUs = (long)Math.Round(wallAnchorUs + monoNs / 1000.0);
        return DateTimeOffset.UnixEpoch.AddTicks(unixUs * 10);
    }
}
