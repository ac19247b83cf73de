using RtcBench.Core.Results;

namespace RtcBench.Storage.Tests;

/// <summary>What initialisation reports (for <c>rtcbench db migrate</c>) and how a short run id is resolved (for <c>results show</c>).</summary>
public abstract partial class ResultStoreContractTests
{
    [Fact]
    public async Task Initialize_NewStore_ReportsTheSchemaItCreatedThenUpToDate()
    {
        var first = await OpenAsync(initialize: false);

        var created = await first.InitializeAsync(Ct);
        var again = await (await OpenAsync(initialize: false)).InitializeAsync(Ct);

        Assert.True(created.Created);
        Assert.Equal(0, created.FromVersion);
        Assert.Equal(["0001_initial.sql", "0002_outcome_evidence.sql", "0003_rollups.sql", "0004_ping_retention.sql", "0005_weekly_rollups.sql", "0006_month_partitions.sql", "0007_ping_writes.sql", "0008_coarse_rollups.sql", "0009_all_locations_rollups.sql"], created.Applied);
        Assert.Equal(9, created.ToVersion);
        Assert.False(again.Created);
        Assert.True(again.UpToDate);
        Assert.Equal((9, 9), (again.FromVersion, again.ToVersion));
    }

    [Fact]
    public async Task FindRunIds_Prefixes_MatchingIdsInOrder()
    {
        var store = await OpenAsync();
        string[] ids =
        [
            "abcd" + new string('1', 28), "abcd" + new string('0', 28), "abce" + new string('0', 28),
            "abc" + new string('f', 29), "0" + new string('a', 31),
        ];
        foreach (string id in ids)
        {
            await store.SaveRunAsync(TestRuns.Create(pingCount: 3, runId: id), Ct);
        }

        Assert.Equal([ids[1], ids[0]], await store.FindRunIdsAsync("abcd", 10, Ct));
        Assert.Equal([ids[1], ids[0], ids[2], ids[3]], await store.FindRunIdsAsync("abc", 10, Ct));
        Assert.Equal([ids[1]], await store.FindRunIdsAsync("abc", 1, Ct));
        Assert.Equal([ids[0]], await store.FindRunIdsAsync("abcd1", 10, Ct));
        Assert.Equal([ids[3]], await store.FindRunIdsAsync(ids[3], 10, Ct));
        Assert.Empty(await store.FindRunIdsAsync("ffff", 10, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.FindRunIdsAsync("ABCD", 10, Ct));
    }

    [Fact]
    public async Task FindRunIds_StoredRun_ItsIdFromAnyPrefix()
    {
        var store = await OpenAsync();
        var run = RunnerDocuments.Create([10, 11]);
        await store.SaveRunAsync(run, Ct);

        for (int length = 0; length <= 32; length += 4)
        {
            Assert.Equal([run.RunId], await store.FindRunIdsAsync(run.RunId[..length], 5, Ct));
        }
    }
}
