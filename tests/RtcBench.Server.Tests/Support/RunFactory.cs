using RtcBench.Core.Histograms;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Server.Tests.Support;

/// <summary>
/// Result documents with chosen ok-ping RTTs (in send order) and lost pings, with statistics and histogram computed
/// as the runner computes them, so the service sees exactly what a runner would post.
/// </summary>
public static class RunFactory
{
    public static readonly DateTimeOffset BaseTime = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    /// <param name="rttsMs">The ok pings' RTTs in ms, in seq order.</param>
    /// <param name="lost">Lost pings, placed after the ok ones.</param>
    public static RunResult Create(
        double[] rttsMs, int lost = 0, DateTimeOffset? startedAt = null, string platform = "udp",
        string? location = "eu-west-1", string channel = "lossy")
    {
        var start = startedAt ?? BaseTime;
        var pings = new List<PingResult>();
        var histogram = new LogHistogram();
        double[] rttsUs = rttsMs.Select(r => r * 1000).ToArray();
        for (int i = 0; i < rttsUs.Length + lost; i++)
        {
            var scheduled = start.AddMilliseconds(100 * i);
            bool ok = i < rttsUs.Length;
            if (ok)
            {
                histogram.Record(rttsUs[i]);
            }
            pings.Add(new PingResult
            {
                Seq = i,
                Status = ok ? "ok" : "lost",
                ScheduledAt = scheduled,
                SentAt = scheduled.AddTicks(50),
                SendDelayUs = 5,
                RttUs = ok ? rttsUs[i] : null,
                NetRttUs = ok ? rttsUs[i] - 10 : null,
            });
        }
        var sorted = rttsUs.Order().ToArray();
        double? meanAbsDelta = rttsUs.Length < 2
            ? null
            : Enumerable.Range(1, rttsUs.Length - 1).Average(i => Math.Abs(rttsUs[i] - rttsUs[i - 1]));
        int sent = rttsUs.Length + lost;
        return new RunResult
        {
            RunId = RunId.New().ToString(),
            ToolVersion = "0.1.0+test",
            Platform = platform,
            Channel = channel,
            TransportMode = "udp",
            Location = location,
            RunnerHost = "test",
            StartedAt = start,
            EndedAt = start.AddMilliseconds((100 * sent) + 500),
            Config = new RunConfigRecord { Count = sent, IntervalMs = 100, DeadlineMs = 5000, PayloadBytes = 128 },
            Outcome = RunOutcome.Ok(),
            Stats = new RunStatistics
            {
                Sent = sent,
                Ok = rttsUs.Length,
                Lost = lost,
                LossRate = sent == 0 ? 0 : (double)lost / sent,
                Rtt = sorted.Length == 0 ? null : Summary(sorted),
                MeanAbsDeltaRttUs = meanAbsDelta,
            },
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

    private static LatencySummary Summary(double[] sorted)
    {
        double mean = sorted.Average();
        double sd = sorted.Length < 2 ? 0 : Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / (sorted.Length - 1));
        return new LatencySummary
        {
            Count = sorted.Length,
            MinUs = sorted[0],
            MaxUs = sorted[^1],
            MeanUs = mean,
            StdDevUs = sd,
            P50Us = Percentile.Linear(sorted, 0.50),
            P90Us = Percentile.Linear(sorted, 0.90),
            P95Us = Percentile.Linear(sorted, 0.95),
            P99Us = Percentile.Linear(sorted, 0.99),
            P999Us = Percentile.Linear(sorted, 0.999),
        };
    }
}
