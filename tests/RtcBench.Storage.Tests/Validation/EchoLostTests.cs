using System.Text.Json.Nodes;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;
using RtcBench.Storage.Validation;
using static RtcBench.Storage.Tests.Validation.DocumentMutation;

namespace RtcBench.Storage.Tests.Validation;

/// <summary>
/// Runs whose echo was found gone (DESIGN §4b): abandoned pings are neither sent nor lost nor in any statistic, and the
/// service recomputes such a run as the runner does.
/// </summary>
public sealed class EchoLostTests
{
    internal static RunResult Lossy(string channel = "lossy") => RunnerDocuments.EchoLost(channel);

    [Fact]
    public void Validate_EchoLostRunWithAbandonedPings_AcceptedAndRecomputedAsTheRunnerDoes()
    {
        var run = Lossy();

        Assert.Null(Validate(run));
        var (stats, _) = Recomputation.Recompute(run.Pings);
        Assert.Equal((6, 5, 1, 0, 2, 3, 4), (stats.Sent, stats.Ok, stats.Lost, stats.Late, stats.Warmup, stats.NotSent, stats.Abandoned));
        Assert.Equal(1.0 / 6, stats.LossRate);
        Assert.Equal(7.625, stats.SendDelay!.MeanUs);
        Assert.Null(Validate(run with { Pings = [] }));
    }

    [Fact]
    public void Validate_ReliableEchoLostEveryUnansweredPingAbandoned_Accepted()
    {
        var run = Lossy("reliable");
        run = run with
        {
            Pings = run.Pings.Select(p => p.Seq == 5 ? p with { Status = "abandoned" } : p).ToArray(),
            // seq 5 abandoned too: send delays of seq 0..4, 6, 7: 5 6 7 8 9 11 5, mean 51 / 7, p99 10.88, max 11.
            Stats = run.Stats with
            {
                Sent = 5,
                Lost = 0,
                Abandoned = 5,
                LossRate = 0,
                SendDelay = new SendDelaySummary { MeanUs = 51.0 / 7, P99Us = 10.88, MaxUs = 11, LateSends = 0 },
            },
        };

        Assert.Null(Validate(run));
    }

    [Theory]
    [InlineData("pings[5].status", "\"abandoned\"", "pings[5].status: 'abandoned', but seq 7 was answered after it (the echo was alive): it is lost")]
    [InlineData("pings[9].status", "\"lost\"", "pings[9].status: 'lost', but it was sent after the last answered ping (seq 7)")]
    [InlineData("outcome.noticed_at", "null", "outcome.noticed_at: missing; an echo-lost outcome says when it was noticed")]
    [InlineData("outcome.noticed_at", "\"2026-11-21T09:00:00+00:00\"", "outcome.noticed_at: 2026-11-21T09:00:00.000000Z is outside the run")]
    [InlineData("outcome.status", "\"partial\"", "outcome.status: 'partial', but a run whose echo was lost (reason echo-lost) has failed")]
    [InlineData("stats.abandoned", "3", "stats.not_sent: sent + warmup + not_sent + abandoned = 14")]
    [InlineData("stats.send_delay.mean_us", "7.2", "stats.send_delay.mean_us: 7.2 disagrees with 7.625")]
    public void Validate_EchoLostRunInconsistent_NamesTheField(string path, string json, string expected)
    {
        string? problem = Validate(Set(Lossy(), path, JsonNode.Parse(json)));

        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AbandonedWithoutEchoLost_Refused()
    {
        var run = Lossy() with { Outcome = RunOutcome.Failed("the udp channel failed: boom") };

        Assert.StartsWith("stats.abandoned: 4, but the outcome is not echo-lost", Validate(run), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReliableEchoLostWithALostPing_Refused()
    {
        Assert.StartsWith(
            "pings[5].status: 'lost' on a reliable channel whose echo was lost: every unanswered ping is abandoned",
            Validate(Lossy("reliable")),
            StringComparison.Ordinal);
    }
}
