using RtcBench.Core.Histograms;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Bench;

/// <summary>Synthetic stored runs for the results-service and dashboard benchmarks.</summary>
internal static class SyntheticRun
{
    /// <summary>
    /// A run of <paramref name="pingCount"/> pings every 100 ms: log-normal RTTs (µs) around <paramref name="medianUs"/>
    /// with shape <paramref name="sigma"/>, about 1% lost, statistics and histogram as the runner computes them.
    /// </summary>
    public static RunResult Make(Random random, DateTimeOffset started, string platform, string location, string channel, int pingCount, double medianUs, double sigma)
    {
        started = DateTimeOffset.UnixEpoch.AddTicks((started - DateTimeOffset.UnixEpoch).Ticks / 10 * 10); // whole µs, as stored
        var pings = new PingResult[pingCount];
        var rtts = new List<double>(pingCount);
        var histogram = new LogHistogram();
        int lost = 0;
        for (int i = 0; i < pingCount; i++)
        {
            var scheduled = started.AddMilliseconds(100 * i);
            bool isLost = random.NextDouble() < 0.01;
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double rtt = Math.Round(medianUs * Math.Exp(sigma * normal), 3);
            if (isLost)
            {
                lost++;
            }
            else
            {
                rtts.Add(rtt);
                histogram.Record(rtt);
            }
            pings[i] = new PingResult
            {
                Seq = i,
                Status = isLost ? "lost" : "ok",
                ScheduledAt = scheduled,
                SentAt = scheduled.AddTicks(120),
                SendDelayUs = 12,
                RttUs = isLost ? null : rtt,
                NetRttUs = isLost ? null : rtt - 30,
            };
        }
        var sorted = rtts.Order().ToArray();
        return new RunResult
        {
            RunId = RunId.New().ToString(),
            ToolVersion = RtcBench.Core.ToolInfo.Version,
            Platform = platform,
            Channel = channel,
            TransportMode = "udp",
            Location = location,
            RunnerHost = "bench",
            StartedAt = started,
            EndedAt = started.AddMilliseconds((100 * pingCount) + 1000),
            Config = new RunConfigRecord { Count = pingCount, IntervalMs = 100, DeadlineMs = 5000, PayloadBytes = 128 },
            Outcome = RunOutcome.Ok(),
            Stats = new RunStatistics
            {
                Sent = pingCount,
                Ok = sorted.Length,
                Lost = lost,
                LossRate = (double)lost / pingCount,
                Rtt = new LatencySummary
                {
                    Count = sorted.Length, MinUs = sorted[0], MaxUs = sorted[^1], MeanUs = sorted.Average(),
                    P50Us = Percentile.Linear(sorted, 0.5), P90Us = Percentile.Linear(sorted, 0.9),
                    P95Us = Percentile.Linear(sorted, 0.95), P99Us = Percentile.Linear(sorted, 0.99),
                    P999Us = Percentile.Linear(sorted, 0.999),
                },
                MeanAbsDeltaRttUs = Enumerable.Range(1, rtts.Count - 1).Average(i => Math.Abs(rtts[i] - rtts[i - 1])),
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
}
