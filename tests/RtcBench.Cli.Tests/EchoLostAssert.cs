using System.Globalization;
using RtcBench.Core.Results;

namespace RtcBench.Cli.Tests;

/// <summary>What every run whose echo died mid-run must look like (DESIGN §4b, issue 13 item 1).</summary>
internal static class EchoLostAssert
{
    /// <summary>The one result document on stdout (`--json`).</summary>
    public static RunResult SingleRun(CliResult result)
    {
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one JSON line on stdout, got:\n{result.Stdout}\nstderr:\n{result.Stderr}");
        return ResultJson.Deserialize(lines[0]);
    }

    /// <summary>
    /// Exit 6, outcome failed/echo-lost noticed after <paramref name="endingFrom"/> (when the echo was told to go),
    /// no ping sent after <paramref name="goneAt"/> (when it was surely gone) counted lost or ok (on a reliable channel
    /// no ping lost at all), the pings before kept with statistics computed from them only, and the one stderr line
    /// that says so. Even a killed echo is surely gone only once its process has exited: on a loaded machine the test
    /// can read the clock, be descheduled and signal later, while the runner's late pings are still answered.
    /// <paramref name="silenceNoticed"/>: the loss was found by a silence, so pings were surely out unanswered
    /// (abandoned); an echo that closes the connection is noticed at once, possibly with no ping in flight.
    /// </summary>
    public static RunResult EchoLost(CliResult result, DateTimeOffset endingFrom, DateTimeOffset goneAt, bool reliable, bool silenceNoticed = true)
    {
        Assert.True(result.ExitCode == 6, $"exit {result.ExitCode}\nstderr:\n{result.Stderr}");
        var run = SingleRun(result);
        var outcome = run.Outcome;
        Assert.True(outcome.Status == "failed" && outcome.Reason == "echo-lost",
            $"outcome {outcome.Status} {outcome.Reason} {outcome.Detail}\nstderr:\n{result.Stderr}");
        Assert.False(string.IsNullOrWhiteSpace(outcome.Detail));
        Assert.NotNull(outcome.NoticedAt);
        Assert.True(outcome.NoticedAt > endingFrom, $"noticed at {outcome.NoticedAt:O}, before the echo was told to go at {endingFrom:O}");

        var pings = run.Pings;
        Assert.All(pings.Where(p => p.SentAt >= goneAt), p => Assert.True(
            p.Status is "abandoned" or "warmup", $"seq {p.Seq} sent after the echo went is {p.Status}"));
        if (reliable)
        {
            Assert.DoesNotContain(pings, p => p.Status == "lost");
        }
        else
        {
            // Lost only while the echo was alive: before its last answer.
            var lastAnswered = pings.Where(p => p.RttUs is not null).Max(p => p.Seq);
            Assert.All(pings.Where(p => p.Status == "lost"), p => Assert.True(p.Seq < lastAnswered, $"seq {p.Seq} lost after the last answer"));
        }
        // Ping times are the runner's monotonic clock placed by one wall anchor taken at the run's start; goneAt is
        // read from the wall clock, which NTP may slew by up to 0.5 ms/s meanwhile: allow 5 ms between the two.
        var slew = TimeSpan.FromMilliseconds(5);
        Assert.All(pings.Where(p => p.Status == "ok"), p => Assert.True(p.SentAt < goneAt + slew, $"seq {p.Seq} ok but sent after the echo went"));

        int ok = pings.Count(p => p.Status == "ok");
        int lost = pings.Count(p => p.Status == "lost");
        int late = pings.Count(p => p.Status == "late");
        int abandoned = pings.Count(p => p.Status == "abandoned");
        int notSent = pings.Count(p => p.Status == "not_sent");
        Assert.True(ok > 0, "no ping was measured before the echo went");
        Assert.True(abandoned > 0 || !silenceNoticed, "no ping was abandoned");
        Assert.True(notSent > 0, "the run did not end at once: every ping was sent");
        Assert.All(pings.Where(p => p.Status is "abandoned"), p => Assert.True(p.SentAt is not null && p.RttUs is null));
        Assert.All(pings.Where(p => p.Status is "not_sent"), p => Assert.Null(p.SentAt));

        var stats = run.Stats;
        Assert.Equal((ok, lost, late, abandoned, notSent), (stats.Ok, stats.Lost, stats.Late, stats.Abandoned, stats.NotSent));
        Assert.Equal(ok + lost + late, stats.Sent);
        Assert.Equal((double)lost / stats.Sent, stats.LossRate, 12);
        Assert.Equal(ok, stats.Rtt!.Count);
        Assert.Equal(ok, run.Histogram.Count);
        Assert.NotNull(stats.Clock);

        Assert.Contains($"{run.Platform}/{run.Channel}: echo lost at ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(abandoned.ToString("N0", CultureInfo.InvariantCulture) + " abandoned", result.Stderr, StringComparison.Ordinal);
        return run;
    }
}
