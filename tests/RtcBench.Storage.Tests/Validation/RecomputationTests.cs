using System.Text.Json.Nodes;
using RtcBench.Core.Histograms;
using RtcBench.Core.Results;
using RtcBench.Storage.Validation;
using static RtcBench.Storage.Tests.Validation.DocumentMutation;

namespace RtcBench.Storage.Tests.Validation;

/// <summary>
/// With pings, the service recomputes counts, statistics and histogram with the runner's code and refuses a document
/// that disagrees beyond rounding, naming the field.
/// </summary>
public sealed class RecomputationTests
{
    public static TheoryData<string> RunnerCases => ["plain", "everything", "poisson", "one-ok", "none-ok", "two-ok", "interrupted", "random-2000", "random-6000"];

    private static RunResult RunnerCase(string name) => name switch
    {
        "plain" => RunnerDocuments.Create([10, 11, 12, 13, 14, 15, 16]),
        // warm-ups, lost, late (deadline 50 ms), and unsent pings at the end
        "everything" => RunnerDocuments.Create([10, null, 80, 12.5, 13.25, null, 60, 11, 9.75], warmup: 3, notSent: 4, deadlineMs: 50),
        "poisson" => RunnerDocuments.Create([5, 6, 7, 8, 9, 10, 11, 12], poisson: true, intervalMs: 20),
        "one-ok" => RunnerDocuments.Create([null, 42.123456, null]),
        "none-ok" => RunnerDocuments.Create([null, null], warmup: 2),
        "two-ok" => RunnerDocuments.Create([3, 4]),
        "interrupted" => RunnerDocuments.Create([1, 2, 3], notSent: 7, warmup: 1),
        "random-2000" => RunnerDocuments.Random(seed: 7, count: 2000, warmup: 10),
        // above 5,000 ok pings the confidence intervals use the normal approximation
        "random-6000" => RunnerDocuments.Random(seed: 8, count: 6000),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(RunnerCases))]
    public void Validate_RunnerDocument_Accepted(string name)
    {
        Assert.Null(Validate(RunnerCase(name)));
    }

    [Theory]
    [MemberData(nameof(RunnerCases))]
    public void Recompute_RunnerDocument_SameStatisticsToTheLastBit(string name)
    {
        var run = RunnerCase(name);

        var (stats, histogram) = Recomputation.Recompute(run.Pings);

        // The clock offset needs the echo's timestamps, which a document does not carry; the rest is exact.
        Assert.Equal(run.Stats with { Clock = null }, stats with { Clock = null });
        Assert.Equal(run.Stats.Clock?.ErrorBoundUs, stats.Clock?.ErrorBoundUs);
        Assert.Equal(run.Stats.Clock?.ReferenceSeq, stats.Clock?.ReferenceSeq);
        Assert.Equal(run.Histogram.Data, Convert.ToBase64String(histogram.Serialize()));
    }

    [Fact]
    public void Validate_RunnerDocumentWithoutItsPings_Accepted()
    {
        var run = RunnerCase("everything");

        Assert.Null(Validate(run with { Pings = [] }));
    }

    [Theory]
    [InlineData("stats.rtt.p50_us", 1.0001, 0)]
    [InlineData("stats.rtt.p90_us", 1, 0.5)]
    [InlineData("stats.rtt.mean_us", 1, 1)]
    [InlineData("stats.rtt.std_dev_us", 1.01, 0)]
    [InlineData("stats.rtt.min_us", 1, -1)]
    [InlineData("stats.net_rtt.p95_us", 1, -2)]
    [InlineData("stats.jitter_rfc3550_us", 1.01, 0)]
    [InlineData("stats.mean_abs_delta_rtt_us", 0.99, 0)]
    [InlineData("stats.rtt_p50_ci95.low_us", 1, -1)]
    [InlineData("stats.rtt_p95_ci95.high_us", 1, 1)]
    [InlineData("stats.send_delay.mean_us", 1, 0.1)]
    [InlineData("stats.send_delay.p99_us", 1, -0.1)]
    public void Validate_FigureOffBeyondRounding_NamesTheField(string path, double factor, double offset)
    {
        var run = RunnerDocuments.Random(seed: 3, count: 300, warmup: 5);

        string? problem = Validate(Scale(run, path, factor, offset));

        Assert.NotNull(problem);
        Assert.StartsWith(path + ": ", problem, StringComparison.Ordinal);
        Assert.Contains("recomputed from the pings (tolerance 0.001 µs + 1 ppm)", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stats.rtt.p50_us")]
    [InlineData("stats.rtt.mean_us")]
    [InlineData("stats.rtt_p95_ci95.low_us")]
    [InlineData("stats.send_delay.max_us")]
    public void Validate_FigureOffWithinRounding_Accepted(string path)
    {
        var run = RunnerDocuments.Random(seed: 4, count: 300);

        Assert.Null(Validate(Scale(run, path, 1 + 5e-7)));
        Assert.Null(Validate(Scale(run, path, 1, 0.0009)));
        Assert.NotNull(Validate(Scale(run, path, 1 + 5e-6)));
    }

    [Theory]
    [InlineData("stats.lost", 1, "stats.sent: ")]
    [InlineData("stats.warmup", 1, "stats.warmup: 4 is more than config.warmup (3)")]
    [InlineData("stats.not_sent", 1, "stats.not_sent: sent + warmup + not_sent + abandoned = 17, but config.count + config.warmup = 16")]
    public void Validate_CountOff_NamesTheCount(string path, int delta, string expected)
    {
        var run = RunnerCase("everything");

        string? problem = Validate(Change(run, path, n => JsonValue.Create(n!.GetValue<int>() + delta)));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClockErrorBoundNotHalfTheMinimumRtt_NamesIt()
    {
        var run = RunnerCase("plain");

        string? problem = Validate(Scale(run, "stats.clock.error_bound_us", 1, 0.5));

        Assert.StartsWith("stats.clock.error_bound_us: 5000.5 disagrees with 5000 recomputed from the pings", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ClockReferenceNotTheFastestPing_NamesIt()
    {
        var run = RunnerCase("plain");

        string? problem = Validate(Set(run, "stats.clock.reference_seq", JsonValue.Create(3)));

        Assert.StartsWith("stats.clock.reference_seq: 3 is not an ok ping with the smallest RTT (the pings give seq 0)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CountsConsistentButNotThePings_NamesTheCount()
    {
        // One ok ping claimed as lost in the statistics only: the counts still add up, the pings say otherwise.
        var run = RunnerCase("plain");
        var stats = run.Stats with { Ok = run.Stats.Ok - 1, Lost = run.Stats.Lost + 1, LossRate = 1.0 / run.Stats.Sent };

        string? problem = Validate(run with { Stats = stats });

        Assert.NotNull(problem);
        Assert.StartsWith("stats.", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PingRttChangedStatisticsKept_Refused()
    {
        var run = RunnerCase("plain");

        string? problem = Validate(Scale(run, "pings[3].rtt_us", 1, 500));

        Assert.NotNull(problem);
        Assert.Contains("recomputed from the pings", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HistogramOfOtherValues_NamesHistogramData()
    {
        var run = RunnerCase("plain");
        var other = new LogHistogram();
        foreach (double rtt in new[] { 10_000.0, 11_000, 12_000, 13_000, 14_000, 15_000, 16_000 })
        {
            other.Record(rtt == 13_000 ? 13_500 : rtt);
        }

        string? problem = Validate(run with { Histogram = run.Histogram with { Data = Convert.ToBase64String(other.Serialize()) } });

        Assert.StartsWith("histogram.data: 0 values in the bucket", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pings[3].status", "\"lost\"", "pings[3].rtt_us: present, but a 'lost' ping was not answered")]
    [InlineData("pings[4].status", "\"pending\"", "pings[4].status: unknown status 'pending'")]
    [InlineData("pings[4].seq", "9", "pings[4].seq: 9, expected 4")]
    [InlineData("pings[1].status", "\"ok\"", "pings[1].status: 'ok', but seq 1 is a warm-up ping")]
    [InlineData("pings[5].status", "\"warmup\"", "pings[5].status: 'warmup', but seq 5 is past the warm-up")]
    [InlineData("pings[6].rtt_us", "null", "pings[6].rtt_us: missing; the ping is 'ok', so it was answered")]
    [InlineData("pings[5].net_rtt_us", "99999999", "pings[5].net_rtt_us: 99999999 is above rtt_us")]
    [InlineData("pings[5].send_delay_us", "500", "pings[5].send_delay_us: 500, but sent_at − scheduled_at = ")]
    [InlineData("pings[5].scheduled_at", "\"2026-11-21T09:00:00+00:00\"", "pings[5].scheduled_at: outside the run")]
    [InlineData("pings[5].sent_at", "\"2026-11-21T10:00:00.0000001+00:00\"", "pings[5].sent_at: times must be whole microseconds")]
    [InlineData("pings[6].rtt_us", "70000", "pings[6].rtt_us: 70000 is past the deadline")]
    [InlineData("pings[5].rtt_us", "40000", "pings[5].rtt_us: 40000 is within the deadline")]
    [InlineData("pings[13].status", "\"lost\"", "pings[13].status: 'lost' after a not_sent ping")]
    [InlineData("pings[12].sent_at", "\"2026-11-21T10:00:01+00:00\"", "pings[12]: a not_sent ping has no sent_at")]
    public void Validate_InconsistentPing_NamesThePing(string path, string json, string expected)
    {
        // 3 warm-ups, then 10, lost, 80 (late: deadline 50 ms), 12.5, … and 4 unsent (seq 12..15).
        var run = RunnerCase("everything");

        string? problem = Validate(Set(run, path, JsonNode.Parse(json)));

        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PingsMissingSome_NamesPings()
    {
        var run = RunnerCase("plain");

        string? problem = Validate(run with { Pings = run.Pings.Take(5).ToArray() });

        Assert.StartsWith("pings: 5 pings, but config.count + config.warmup = 7", problem, StringComparison.Ordinal);
    }
}
