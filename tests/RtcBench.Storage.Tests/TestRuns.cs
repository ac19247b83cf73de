using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Tests;

/// <summary>Hand-built, realistic run results: every ping status, nulls, nested statistics, histogram, path.</summary>
public static class TestRuns
{
    public static readonly DateTimeOffset BaseTime = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public static RunResult Create(
        int pingCount = 40,
        DateTimeOffset? startedAt = null,
        string platform = "udp",
        string? location = "eu-west-1",
        string channel = "lossy",
        string outcome = RunOutcome.OkStatus,
        string? runId = null)
    {
        var start = startedAt ?? BaseTime;
        const double intervalMs = 20;
        const int warmup = 3;
        var pings = new PingResult[pingCount];
        for (int i = 0; i < pingCount; i++)
        {
            pings[i] = CreatePing(i, start, intervalMs, warmup, pingCount);
        }
        return new RunResult
        {
            RunId = runId ?? RunId.New().ToString(),
            ToolVersion = "0.1.0+test",
            Platform = platform,
            Channel = channel,
            TransportMode = "udp",
            Location = location,
            Latitude = 53.3498053,
            Longitude = -6.2603097,
            AgentLocation = "eu-central-1",
            RunnerHost = "runner-7",
            StartedAt = start,
            EndedAt = start.AddMilliseconds(pingCount * intervalMs + 1000).AddTicks(10),
            Config = new RunConfigRecord
            {
                Count = pingCount - warmup,
                IntervalMs = intervalMs,
                Warmup = warmup,
                DeadlineMs = 1000,
                PayloadBytes = 64,
                Schedule = "poisson",
                Seed = 424242,
            },
            Outcome = outcome == RunOutcome.OkStatus
                ? RunOutcome.Ok()
                : new RunOutcome { Status = outcome, Reason = "agent went away after 12 s" },
            Path = new PathInfo
            {
                Transport = "udp",
                Reliability = "unreliable-unordered",
                LocalAddress = "10.0.0.5:50123",
                RemoteAddress = "198.51.100.7:7000",
                ServerRegion = "eu-central-1",
                SetupMs = 12.345,
                Details = new Dictionary<string, string> { ["ice"] = "host/udp", ["dtls"] = "none", ["ünï"] = "cöde" },
            },
            Stats = CreateStats(),
            Histogram = new HistogramRecord
            {
                Encoding = "rtcbench-loghist/1",
                RelativeAccuracy = 0.01,
                Count = 29,
                Data = Convert.ToBase64String(HistogramBytes()),
            },
            Pings = pings,
        };
    }

    /// <summary>A failed run: no pings answered, no latency statistics, no path.</summary>
    public static RunResult CreateFailed(DateTimeOffset? startedAt = null) =>
        Create(pingCount: 0, startedAt: startedAt, outcome: RunOutcome.FailedStatus) with
        {
            Path = null,
            TransportMode = null,
            Location = null,
            Latitude = null,
            Longitude = null,
            AgentLocation = null,
            RunnerHost = null,
            Config = new RunConfigRecord { Count = 10, IntervalMs = 10, DeadlineMs = 500, PayloadBytes = 32 },
            Stats = new RunStatistics(),
            Histogram = new HistogramRecord { Encoding = "rtcbench-loghist/1", RelativeAccuracy = 0.01, Count = 0, Data = "" },
        };

    /// <summary>
    /// A run whose echo was found gone (DESIGN §4b): the pings after the last answered one are abandoned, the rest of
    /// the schedule not sent, and the outcome carries the evidence and the time it was noticed.
    /// </summary>
    public static RunResult CreateEchoLost(DateTimeOffset? startedAt = null)
    {
        var run = Create(startedAt: startedAt);
        var pings = run.Pings.ToArray();
        for (int i = 30; i < 38; i++)
        {
            pings[i] = pings[i] with { Status = "abandoned", RttUs = null, NetRttUs = null };
        }
        return run with
        {
            Channel = "reliable",
            Outcome = RunOutcome.EchoLost(
                "no pong for 1.2 s and GET /health failed: Connection refused (127.0.0.1:8080)",
                run.StartedAt.AddTicks(7_654_321_0)),
            Stats = run.Stats with { Sent = 27, Ok = 22, Abandoned = 8, LossRate = 4 / 27.0, LateRate = 1 / 27.0 },
            Pings = pings,
        };
    }

    private static PingResult CreatePing(int i, DateTimeOffset start, double intervalMs, int warmup, int count)
    {
        var scheduled = start.AddTicks((long)(i * intervalMs * 10_000));
        if (i >= count - 2)
        {
            return new PingResult { Seq = i, Status = "not_sent", ScheduledAt = scheduled };
        }
        long delayUs = 3 + i % 7;
        var sent = scheduled.AddTicks(delayUs * 10);
        string status = i < warmup ? "warmup" : i % 10 == 3 ? "lost" : i % 17 == 5 ? "late" : "ok";
        bool answered = status is "ok" or "warmup";
        double rtt = 20_000 + (i * 37 % 5000) + 0.123;
        return new PingResult
        {
            Seq = i,
            Status = status,
            ScheduledAt = scheduled,
            SentAt = sent,
            SendDelayUs = delayUs,
            RttUs = answered ? rtt : null,
            NetRttUs = answered ? rtt - 41.5 : null,
        };
    }

    private static RunStatistics CreateStats() => new()
    {
        Sent = 35,
        Ok = 29,
        Lost = 4,
        Late = 2,
        Warmup = 3,
        NotSent = 2,
        LossRate = 4 / 35.0,
        LateRate = 2 / 35.0,
        Rtt = new LatencySummary
        {
            Count = 29, MinUs = 20_000.123, MaxUs = 21_443.123, MeanUs = 20_711.7781, StdDevUs = 412.0101,
            P50Us = 20_700.1, P90Us = 21_300.5, P95Us = 21_400.25, P99Us = 21_440.0001, P999Us = 21_443.0,
        },
        NetRtt = new LatencySummary
        {
            Count = 29, MinUs = 19_958.623, MaxUs = 21_401.623, MeanUs = 20_670.2781, StdDevUs = 412.0101,
            P50Us = 20_658.6, P90Us = 21_259.0, P95Us = 21_358.75, P99Us = 21_398.5001, P999Us = 21_401.5,
        },
        JitterRfc3550Us = 123.456789,
        MeanAbsDeltaRttUs = 98.7654321,
        RttP50Ci95 = new ConfidenceInterval { LowUs = 20_500, HighUs = 20_900.5, Method = "order-statistic (binomial)" },
        RttP95Ci95 = null,
        Clock = new ClockEstimate
        {
            OffsetUs = -1234.5, ErrorBoundUs = 10_000.0615, ReferenceSeq = 3, ForwardP50Us = 10_100.2, BackwardP50Us = 10_600.3,
        },
        SendDelay = new SendDelaySummary { MeanUs = 5.9, P99Us = 9, MaxUs = 9, LateSends = 0 },
    };

    private static byte[] HistogramBytes()
    {
        var bytes = new byte[300];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
