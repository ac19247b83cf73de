using RtcBench.Core.Results;

namespace RtcBench.Storage.Tests;

/// <summary>The store contract for runs whose echo was found gone: abandoned pings and the outcome's evidence and time.</summary>
public abstract partial class ResultStoreContractTests
{
    [Fact]
    public async Task SaveRun_EchoLostRunWithAbandonedPings_ReadsBackEqual()
    {
        var store = await OpenAsync();
        var run = TestRuns.CreateEchoLost();

        Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));

        var back = await store.GetRunAsync(run.RunId, includePings: true, Ct);
        RunAssert.Equal(run, back);
        Assert.Equal("echo-lost", back!.Outcome.Reason);
        Assert.Equal(run.Outcome.NoticedAt, back.Outcome.NoticedAt);
        Assert.StartsWith("no pong for 1.2 s", back.Outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(8, back.Pings.Count(p => p.Status == "abandoned"));
        Assert.Equal(8, back.Stats.Abandoned);
        var summary = Assert.Single((await store.ListRunsAsync(new RunQuery { Outcome = "failed" }, Ct)).Items);
        Assert.Equal(run.RunId, summary.RunId);
    }

    [Fact]
    public async Task SaveRun_NoticedAtFinerThanMicrosecond_ThrowsAndStoresNothing()
    {
        var store = await OpenAsync();
        var run = TestRuns.CreateEchoLost();
        run = run with { Outcome = run.Outcome with { NoticedAt = run.Outcome.NoticedAt!.Value.AddTicks(1) } };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(run, Ct));

        Assert.Contains("noticed_at", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetRunAsync(run.RunId, includePings: false, Ct));
    }
}
