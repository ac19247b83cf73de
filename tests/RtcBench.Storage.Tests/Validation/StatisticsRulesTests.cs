using System.Text.Json.Nodes;
using RtcBench.Core.Results;
using static RtcBench.Storage.Tests.Validation.DocumentMutation;

namespace RtcBench.Storage.Tests.Validation;

/// <summary>Without pings nothing can be recomputed: the statistics must still be possible, and each impossibility names its field.</summary>
public sealed class StatisticsRulesTests
{
    /// <summary>A runner's document with 3 warm-ups, 7 ok, 2 lost, 2 late (deadline 50 ms) and 4 unsent pings, pings left out.</summary>
    private static RunResult WithoutPings() =>
        RunnerDocuments.Create([10, null, 80, 12.5, 13.25, null, 60, 11, 9.75, 14, 15], warmup: 3, notSent: 4, deadlineMs: 50) with { Pings = [] };

    [Fact]
    public void Validate_RunnerDocumentWithoutPings_Accepted()
    {
        Assert.Null(Validate(WithoutPings()));
    }

    [Theory]
    [InlineData("stats.rtt.p50_us", "-5", "stats.rtt.p50_us: -5 is negative")]
    [InlineData("stats.rtt.min_us", "-1", "stats.rtt.min_us: -1 is negative")]
    [InlineData("stats.rtt.p90_us", "11000", "stats.rtt.p90_us: 11000 is below stats.rtt.p50_us (12500)")]
    [InlineData("stats.rtt.p999_us", "1000000", "stats.rtt.max_us: 15000 is below stats.rtt.p999_us (1000000)")]
    [InlineData("stats.rtt.mean_us", "20000", "stats.rtt.mean_us: 20000 is outside [min_us, max_us] (9750, 15000)")]
    [InlineData("stats.rtt.std_dev_us", "-1", "stats.rtt.std_dev_us: -1 is negative or larger than max_us − min_us")]
    [InlineData("stats.rtt.std_dev_us", "6000", "stats.rtt.std_dev_us: 6000 is negative or larger than max_us − min_us (5250)")]
    [InlineData("stats.rtt.count", "6", "stats.rtt.count: 6 is not stats.ok (7)")]
    [InlineData("stats.net_rtt.p50_us", "12600", "stats.net_rtt.p50_us: 12600 is above stats.rtt.p50_us (12500)")]
    [InlineData("stats.net_rtt.max_us", "15500", "stats.net_rtt.max_us: 15500 is above stats.rtt.max_us (15000)")]
    [InlineData("stats.sent", "12", "stats.sent: 12 is not ok + lost + late (7 + 2 + 2)")]
    [InlineData("stats.lost", "-1", "stats.lost: -1 is negative")]
    [InlineData("stats.not_sent", "3", "stats.not_sent: sent + warmup + not_sent + abandoned = 17, but config.count + config.warmup = 18")]
    [InlineData("stats.loss_rate", "1.5", "stats.loss_rate: 1.5 is not lost / sent (2 / 11 = ")]
    [InlineData("stats.loss_rate", "0.2", "stats.loss_rate: 0.2 is not lost / sent")]
    [InlineData("stats.late_rate", "0", "stats.late_rate: 0 is not late / sent (2 / 11 = ")]
    [InlineData("stats.jitter_rfc3550_us", "-0.5", "stats.jitter_rfc3550_us: -0.5 is negative or larger than")]
    [InlineData("stats.mean_abs_delta_rtt_us", "99999", "stats.mean_abs_delta_rtt_us: 99999 is negative or larger than stats.rtt max_us − min_us (5250)")]
    [InlineData("stats.rtt_p50_ci95.low_us", "16000", "stats.rtt_p50_ci95.high_us: 15000 is below low_us (16000)")]
    [InlineData("stats.rtt_p50_ci95.high_us", "12000", "stats.rtt_p50_ci95: [")]
    [InlineData("stats.rtt_p50_ci95.level", "0.9", "stats.rtt_p50_ci95.level: 0.9; a ci95 has level 0.95")]
    [InlineData("stats.clock.error_bound_us", "1", "stats.clock.error_bound_us: 1 is not stats.rtt.min_us / 2 (4875)")]
    [InlineData("stats.send_delay.max_us", "0", "stats.send_delay.max_us: 0 is below its mean_us or p99_us")]
    [InlineData("stats.send_delay.late_sends", "99", "stats.send_delay.late_sends: 99 is outside 0..14")]
    [InlineData("stats.rtt", "null", "stats.rtt: missing, but stats.ok is 7")]
    [InlineData("stats.clock", "null", "stats.clock: missing, but stats.ok is 7")]
    [InlineData("histogram.count", "6", "histogram.count: 6 is not stats.ok (7)")]
    [InlineData("histogram.relative_accuracy", "0.05", "histogram.relative_accuracy: 0.05; rtcbench-loghist/1 has 0.01")]
    [InlineData("histogram.data", "\"AAAA\"", "histogram.data: not a valid rtcbench-loghist/1 histogram")]
    [InlineData("histogram.data", "\" AQ==\"", "histogram.data: not canonical base64")]
    public void Validate_ImpossibleStatistic_NamesTheField(string path, string json, string expected)
    {
        string? problem = Validate(Set(WithoutPings(), path, JsonNode.Parse(json)));

        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HistogramOutsideTheRttRange_NamesHistogramData()
    {
        var run = WithoutPings();
        var other = RunnerDocuments.Create([10, 11, 12.5, 13.25, 9.75, 14, 16]);

        string? problem = Validate(run with { Histogram = other.Histogram });

        Assert.StartsWith("histogram.data: holds values from 9750 to 16000 µs, but stats.rtt runs from 9750 to 15000", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LatencyFiguresWithoutOkPings_Refused()
    {
        var run = RunnerDocuments.Create([null, null]) with { Pings = [] };
        var withRtt = run with { Stats = run.Stats with { Rtt = WithoutPings().Stats.Rtt } };

        Assert.Null(Validate(run));
        Assert.StartsWith("stats.rtt: present, but stats.ok is 0", Validate(withRtt), StringComparison.Ordinal);
    }
}
