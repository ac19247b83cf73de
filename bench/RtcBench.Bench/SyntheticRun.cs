using RtcBench.Core.Histograms;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Storage.Validation;

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
        for (int i = 0; i < pingCount; i++)
        {
            var scheduled = started.AddMilliseconds(100 * i);
            bool isLost = random.NextDouble() < 0.01;
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double rtt = Math.Round(medianUs * Math.Exp(sigma * normal), 3);
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
        // Statistics and histogram by the runner's code, as the results service recomputes them from the pings.
        var (stats, recomputed) = Recomputation.Recompute(pings);
        // A synthetic echo shares the runner's clock: no offset, the 30 µs hold split evenly.
        stats = stats with
        {
            Clock = stats.Clock is { } clock
                ? clock with { OffsetUs = 0, ForwardP50Us = stats.NetRtt!.P50Us / 2, BackwardP50Us = stats.NetRtt.P50Us / 2 }
                : null,
        };
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
            Stats = stats,
            Histogram = new HistogramRecord
            {
                Encoding = LogHistogram.EncodingName,
                RelativeAccuracy = LogHistogram.RelativeAccuracy,
                Count = recomputed.Count,
                Data = Convert.ToBase64String(recomputed.Serialize()),
            },
            Pings = pings,
        };
    }
}
