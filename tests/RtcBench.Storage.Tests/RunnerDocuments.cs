using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;

namespace RtcBench.Storage.Tests;

/// <summary>
/// Result documents made the way the runner makes them: a real <see cref="PingSession"/> is driven with chosen send
/// times and answers, and <see cref="RunResultBuilder"/> builds the document (statistics, histogram, pings) exactly as
/// after a real run. What the results service must accept as it is.
/// </summary>
public static class RunnerDocuments
{
    public static readonly DateTimeOffset BaseTime = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    /// <summary>The echo holds each ping this long (t3 − t2): net RTT = RTT − 10 µs.</summary>
    public const long EchoHoldNs = 10_000;

    private const long StartNs = 1_000_000_000;

    /// <param name="rttsMs">Each measured ping's RTT in ms in seq order, or null for no answer (lost). An RTT beyond
    /// <paramref name="deadlineMs"/> makes the ping late.</param>
    /// <param name="warmup">Warm-up pings before them (answered in 1 ms).</param>
    /// <param name="notSent">Measured pings left unsent at the end (the run was interrupted: outcome partial).</param>
    /// <param name="sendDelayUs">Each ping's send delay by seq (default: 5 + seq % 7 µs).</param>
    public static RunResult Create(
        double?[] rttsMs,
        int warmup = 0,
        int notSent = 0,
        DateTimeOffset? startedAt = null,
        string platform = "udp",
        string? location = "eu-west-1",
        string channel = "lossy",
        double intervalMs = 100,
        double deadlineMs = 5000,
        bool poisson = false,
        Func<int, double>? sendDelayUs = null)
    {
        var start = startedAt ?? BaseTime;
        var config = new RunConfig
        {
            Count = rttsMs.Length + notSent,
            Warmup = warmup,
            Interval = TimeSpan.FromMilliseconds(intervalMs),
            Deadline = TimeSpan.FromMilliseconds(deadlineMs),
            PayloadBytes = 64,
            Schedule = poisson ? ScheduleKind.Poisson : ScheduleKind.Fixed,
            Seed = poisson ? 1234 : 0,
        };
        // Ping 0 is scheduled at the start (the runner starts 1 ms later; the start is rounder for tests to read).
        double anchorUs = ((start - DateTimeOffset.UnixEpoch).Ticks / 10.0) - (StartNs / 1000.0);
        var session = new PingSession(RunId.New(), config, StartNs);
        var ping = new byte[PingCodec.MaxMessageBytes];
        var pong = new byte[PingCodec.MaxMessageBytes];
        long lastNs = StartNs;
        int toSend = warmup + rttsMs.Length;
        for (int i = 0; i < toSend; i++)
        {
            long delayNs = (long)Math.Round((sendDelayUs?.Invoke(i) ?? 5 + (i % 7)) * 1000);
            long sentNs = session.NextSendDueNs + delayNs;
            int n = session.WriteNextPing(sentNs, ping, out int seq);
            lastNs = Math.Max(lastNs, sentNs);
            double? rttMs = seq < warmup ? 1 : rttsMs[seq - warmup];
            if (rttMs is not { } ms)
            {
                continue;
            }
            long rttNs = (long)Math.Round(ms * 1_000_000);
            long hold = Math.Min(EchoHoldNs, rttNs);
            long echoRx = sentNs + ((rttNs - hold) / 2) + 77;
            if (!PingCodec.TryReadPing(ping.AsSpan(0, n), out var fields))
            {
                throw new InvalidOperationException("the session wrote a ping its codec cannot read");
            }
            int m = PingCodec.WritePong(pong, fields, echoRx, echoRx + hold, anchorUs + 1234.5);
            session.OnMessage(pong.AsSpan(0, m), sentNs + rttNs);
            lastNs = Math.Max(lastNs, sentNs + rttNs);
        }
        if (notSent > 0)
        {
            session.StopSending();
        }
        session.Finish();
        var metadata = new RunMetadata
        {
            Platform = platform,
            Channel = channel,
            TransportMode = platform == "udp" ? "udp" : "webrtc-datachannel",
            Location = location,
            RunnerHost = "test",
            ToolVersion = "0.1.0+test",
            Path = new PathInfo { Transport = "udp", LocalAddress = "127.0.0.1:50000", RemoteAddress = "127.0.0.1:40000", SetupMs = 1.5 },
        };
        var endedAt = RunResultBuilder.ToUtc(anchorUs, lastNs).AddMilliseconds(1);
        var outcome = notSent > 0 ? RunOutcome.Partial("interrupted") : RunOutcome.Ok();
        return RunResultBuilder.Build(session, metadata, anchorUs, start, endedAt, outcome);
    }

    /// <summary>A run of <paramref name="count"/> ok pings with RTTs (ms) drawn log-normally around <paramref name="medianMs"/>.</summary>
    public static RunResult Random(int seed, int count, double medianMs = 20, int warmup = 0)
    {
        var random = new Random(seed);
        var rtts = new double?[count];
        for (int i = 0; i < count; i++)
        {
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            rtts[i] = random.NextDouble() < 0.02 ? null : medianMs * Math.Exp(0.3 * normal);
        }
        return Create(rtts, warmup: warmup, sendDelayUs: i => random.NextDouble() < 0.05 ? 1500 + (i % 13) : (i % 9) + 0.25);
    }

    /// <summary>
    /// 2 warm-ups (seq 0, 1), then 10, 11, 12 ms, seq 5 lost while the echo was alive, 13, 14 ms (seq 7, the last
    /// answer), seq 8..11 unanswered when the echo was found gone (abandoned), seq 12..14 never sent.
    /// </summary>
    public static RunResult EchoLost(string channel = "lossy")
    {
        var run = RunnerDocuments.Create([10, 11, 12, null, 13, 14, null, null, null, null], warmup: 2, notSent: 3, channel: channel);
        var pings = run.Pings.Select(p => p.Seq is >= 8 and <= 11 ? p with { Status = "abandoned" } : p).ToArray();
        // The echo was noticed gone a second after the last send; the run ended right then.
        var noticed = run.Pings[11].SentAt!.Value.AddMilliseconds(1000);
        return run with
        {
            Outcome = RunOutcome.EchoLost("no pong for 1.0 s and GET /health failed: Connection refused", noticed),
            EndedAt = noticed.AddMilliseconds(1),
            Pings = pings,
            // Hand-computed: sent = ok + lost + late = 5 + 1 + 0; send delays 5 + seq % 7 µs of seq 0..7 (abandoned
            // pings excluded): 5 6 7 8 9 10 11 5, mean 61 / 8, p99 (linear) 10.93, max 11.
            Stats = run.Stats with
            {
                Sent = 6,
                Lost = 1,
                Abandoned = 4,
                LossRate = 1.0 / 6,
                SendDelay = new SendDelaySummary { MeanUs = 7.625, P99Us = 10.93, MaxUs = 11, LateSends = 0 },
            },
        };
    }
}
