using RtcBench.Core.Results;

namespace RtcBench.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IResultStore"/> must show. A store implementation derives from this class and
/// supplies <see cref="CreateStoreAsync"/>; each test instance has its own empty database, which the derived class
/// removes in <see cref="DisposeDatabaseAsync"/> or <see cref="Dispose(bool)"/> (xunit disposes the stores first, in
/// <see cref="DisposeAsync"/>).
/// </summary>
public abstract partial class ResultStoreContractTests : IAsyncLifetime, IDisposable
{
    private readonly List<IResultStore> _stores = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));

    /// <summary>Every await in these tests is bounded by this token.</summary>
    protected CancellationToken Ct => _timeout.Token;

    /// <summary>
    /// A new store instance on this test's database (not yet initialised). Calling it twice gives two instances on
    /// the same database, standing in for two processes.
    /// </summary>
    protected abstract Task<IResultStore> CreateStoreAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        _stores.Clear();
        await DisposeDatabaseAsync();
    }

    /// <summary>Called after the stores are disposed: a derived class may drop a server-side database here.</summary>
    protected virtual Task DisposeDatabaseAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the timeout; a derived class also deletes its database here.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeout.Dispose();
        }
    }

    protected async Task<IResultStore> OpenAsync(bool initialize = true)
    {
        var store = await CreateStoreAsync();
        _stores.Add(store);
        if (initialize)
        {
            await store.InitializeAsync(Ct);
        }
        return store;
    }

    [Fact]
    public async Task SaveRun_RealisticRun_ReadsBackEqual()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create();

        Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));

        RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
    }

    [Fact]
    public async Task SaveRun_RealisticRun_ReadsBackEqualFromAnotherStoreInstance()
    {
        var run = TestRuns.Create();
        await (await OpenAsync()).SaveRunAsync(run, Ct);

        var other = await OpenAsync();

        RunAssert.Equal(run, await other.GetRunAsync(run.RunId, includePings: true, Ct));
    }

    [Fact]
    public async Task SaveRun_FailedRunWithNullsAndNoPings_ReadsBackEqual()
    {
        var store = await OpenAsync();
        var run = TestRuns.CreateFailed();

        await store.SaveRunAsync(run, Ct);

        RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
    }

    [Fact]
    public async Task SaveRun_RunTimesFinerThanMicrosecond_ReadBackExact()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create() with
        {
            StartedAt = TestRuns.BaseTime.AddTicks(3),
            EndedAt = new DateTimeOffset(2026, 11, 21, 14, 0, 1, TimeSpan.FromHours(2)).AddTicks(7),
        };

        await store.SaveRunAsync(run, Ct);

        var back = await store.GetRunAsync(run.RunId, includePings: false, Ct);
        Assert.NotNull(back);
        Assert.Equal(run.StartedAt.UtcTicks, back.StartedAt.UtcTicks);
        Assert.Equal(run.EndedAt.UtcTicks, back.EndedAt.UtcTicks);
    }

    [Fact]
    public async Task SaveRun_LargeRun_RoundTrips()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create(pingCount: 50_000);

        Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));

        RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
    }

    [Fact]
    public async Task SaveRun_SameIdTwice_SecondReturnsAlreadyExistsAndChangesNothing()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create();
        await store.SaveRunAsync(run, Ct);
        var changed = TestRuns.Create(pingCount: 7, platform: "janus", runId: run.RunId);

        Assert.Equal(SaveOutcome.AlreadyExists, await store.SaveRunAsync(changed, Ct));
        Assert.Equal(SaveOutcome.AlreadyExists, await store.SaveRunAsync(run, Ct));

        RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
        Assert.Equal(1, (await store.ListRunsAsync(new RunQuery(), Ct)).Total);
    }

    [Fact]
    public async Task SaveRun_SameIdFromTwoStoresConcurrently_ExactlyOneInserted()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var run = TestRuns.Create(pingCount: 5_000);

        var outcomes = await Task.WhenAll(
            Task.Run(() => first.SaveRunAsync(run, Ct)),
            Task.Run(() => second.SaveRunAsync(run, Ct)));

        Assert.Single(outcomes, o => o == SaveOutcome.Inserted);
        Assert.Single(outcomes, o => o == SaveOutcome.AlreadyExists);
        RunAssert.Equal(run, await first.GetRunAsync(run.RunId, includePings: true, Ct));
    }

    [Fact]
    public async Task SaveRun_DifferentRunsConcurrently_AllInserted()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        var runs = Enumerable.Range(0, 8).Select(i => TestRuns.Create(pingCount: 500 + i)).ToArray();

        var outcomes = await Task.WhenAll(runs.Select((r, i) =>
            Task.Run(() => (i % 2 == 0 ? first : second).SaveRunAsync(r, Ct))));

        Assert.All(outcomes, o => Assert.Equal(SaveOutcome.Inserted, o));
        Assert.Equal(runs.Length, (await first.ListRunsAsync(new RunQuery(), Ct)).Total);
    }

    [Fact]
    public async Task SaveRun_PingTimeFinerThanMicrosecond_ThrowsAndStoresNothing()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create();
        var pings = run.Pings.ToArray();
        pings[5] = pings[5] with { SentAt = pings[5].SentAt!.Value.AddTicks(1) };

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(run with { Pings = pings }, Ct));

        Assert.Null(await store.GetRunAsync(run.RunId, includePings: false, Ct));
    }

    [Fact]
    public async Task SaveRun_PingsOutOfSeqOrder_ThrowsAndStoresNothing()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create();
        var pings = run.Pings.ToArray();
        (pings[3], pings[4]) = (pings[4], pings[3]);

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(run with { Pings = pings }, Ct));

        Assert.Null(await store.GetRunAsync(run.RunId, includePings: false, Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-run-id")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("01234567-89ab-cdef-0123-456789abcdef")]
    public async Task SaveRun_MalformedRunId_ThrowsArgumentException(string runId)
    {
        var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(TestRuns.Create(runId: runId), Ct));
    }

    [Fact]
    public async Task SaveRun_NonCanonicalHistogramBase64_ThrowsArgumentException()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create();
        var bad = run with { Histogram = run.Histogram with { Data = "AAEC\nAwQF" } };

        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveRunAsync(bad, Ct));
    }

    [Fact]
    public async Task SaveRun_BeforeInitialize_InitializesItself()
    {
        var store = await OpenAsync(initialize: false);
        var run = TestRuns.Create();

        Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, Ct));

        RunAssert.Equal(run, await store.GetRunAsync(run.RunId, includePings: true, Ct));
    }

    [Fact]
    public async Task GetRun_UnknownId_ReturnsNull()
    {
        var store = await OpenAsync();
        await store.SaveRunAsync(TestRuns.Create(), Ct);

        Assert.Null(await store.GetRunAsync(TestRuns.Create().RunId, includePings: true, Ct));
        Assert.Null(await store.GetRunAsync("not a run id", includePings: true, Ct));
    }

    [Fact]
    public async Task GetRun_WithoutPings_ReturnsEmptyPingsAndEverythingElse()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create();
        await store.SaveRunAsync(run, Ct);

        var back = await store.GetRunAsync(run.RunId, includePings: false, Ct);

        Assert.NotNull(back);
        Assert.Empty(back.Pings);
        RunAssert.Equal(run with { Pings = [] }, back);
    }

    [Fact]
    public async Task Initialize_Twice_IsNoOpAndKeepsData()
    {
        var store = await OpenAsync();
        var run = TestRuns.Create();
        await store.SaveRunAsync(run, Ct);

        await store.InitializeAsync(Ct);
        var reopened = await OpenAsync();

        RunAssert.Equal(run, await reopened.GetRunAsync(run.RunId, includePings: true, Ct));
    }

    [Fact]
    public async Task Initialize_FromTwoStoresConcurrently_BothSucceed()
    {
        var first = await OpenAsync(initialize: false);
        var second = await OpenAsync(initialize: false);

        await Task.WhenAll(
            Task.Run(() => first.InitializeAsync(Ct)),
            Task.Run(() => second.InitializeAsync(Ct)));

        var run = TestRuns.Create();
        Assert.Equal(SaveOutcome.Inserted, await first.SaveRunAsync(run, Ct));
        Assert.Equal(SaveOutcome.AlreadyExists, await second.SaveRunAsync(run, Ct));
    }
}
