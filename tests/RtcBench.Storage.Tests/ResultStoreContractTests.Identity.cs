using RtcBench.Core.Results;

namespace RtcBench.Storage.Tests;

/// <summary>
/// Ingest answers a repeated post of a stored run 200 and a different run under the same id 409, by comparing the
/// posted document with the stored one (<see cref="RunIdentity"/>). That is only sound if every store reads a run back
/// as the same run, however the document was written: times with offsets, -0, path details in any order.
/// </summary>
public abstract partial class ResultStoreContractTests
{
    /// <summary>A runner's document written unusually: local-time offsets, negative zeros, many path details, non-ASCII text.</summary>
    internal static RunResult OddlyWrittenRunnerDocument()
    {
        var run = RunnerDocuments.Create([10, null, 80, 12.5, 13.25, null, 60, 11, 9.75, 14, 15], warmup: 3, notSent: 4, deadlineMs: 50);
        var details = new Dictionary<string, string>();
        for (int i = 0; i < 30; i++)
        {
            details[new string((char)('a' + (i % 26)), 1 + (i * 7 % 13)) + i] = $"välue {i} ✓";
        }
        var tokyo = TimeSpan.FromHours(9);
        return run with
        {
            Location = "são-paulo-1",
            Latitude = -0.0,
            Longitude = -0.0,
            StartedAt = run.StartedAt.ToOffset(tokyo),
            EndedAt = run.EndedAt.ToOffset(TimeSpan.FromHours(-5)),
            Path = run.Path! with { Details = details, SetupMs = -0.0 },
            Pings = run.Pings.Select(p => p with { ScheduledAt = p.ScheduledAt.ToOffset(tokyo), SentAt = p.SentAt?.ToOffset(tokyo) }).ToArray(),
        };
    }

    [Fact]
    public async Task SaveRun_OddlyWrittenDocument_ReadsBackAsTheSameRun()
    {
        var store = await OpenAsync();
        var run = OddlyWrittenRunnerDocument();

        await store.SaveRunAsync(run, Ct);
        var back = await store.GetRunAsync(run.RunId, includePings: true, Ct);

        Assert.Null(RunIdentity.FirstDifference(back!, run));
        Assert.Null(RunIdentity.FirstDifference(back!, ResultJson.Deserialize(ResultJson.Serialize(run))));
    }

    [Fact]
    public async Task SaveRun_EchoLostRun_OutcomeEvidenceAndAbandonedPingsReadBack()
    {
        var store = await OpenAsync();
        var run = Validation.EchoLostTests.Lossy();

        await store.SaveRunAsync(run, Ct);
        var back = await store.GetRunAsync(run.RunId, includePings: true, Ct);

        Assert.Null(RunIdentity.FirstDifference(back!, run));
        Assert.Equal(run.Outcome, back!.Outcome);
        Assert.Equal(4, back.Stats.Abandoned);
        Assert.Equal(4, back.Pings.Count(p => p.Status == "abandoned"));
    }

    [Fact]
    public async Task SaveRun_RealisticRun_ReadsBackAsTheSameRun()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create();

        await store.SaveRunAsync(run, Ct);

        Assert.Null(RunIdentity.FirstDifference((await store.GetRunAsync(run.RunId, includePings: true, Ct))!, run));
    }

    [Fact]
    public async Task SaveRun_SameIdDifferentContent_StoredRunDiffersAtTheChangedField()
    {
        var store = await OpenAsync();
        var run = OddlyWrittenRunnerDocument();
        await store.SaveRunAsync(run, Ct);
        var changed = run with { Pings = run.Pings.Select(p => p.Seq == 5 ? p with { RttUs = p.RttUs + 1 } : p).ToArray() };

        Assert.Equal(SaveOutcome.AlreadyExists, await store.SaveRunAsync(changed, Ct));

        var back = await store.GetRunAsync(run.RunId, includePings: true, Ct);
        Assert.Equal("pings[5].rtt_us", RunIdentity.FirstDifference(back!, changed));
    }
}
