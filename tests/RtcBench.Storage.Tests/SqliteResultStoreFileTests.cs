using System.Diagnostics;
using RtcBench.Storage.Sqlite;
using Xunit.Abstractions;

namespace RtcBench.Storage.Tests;

/// <summary>What the SQLite store does to its file, beyond the contract: pragmas, rows, cascade, speed.</summary>
public sealed class SqliteResultStoreFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));

    private CancellationToken Ct => _timeout.Token;

    private string DbPath => _directory.File("nested/dirs/results.db");

    public void Dispose()
    {
        _timeout.Dispose();
        _directory.Dispose();
    }

    private Task<long> CountAsync(string sql) => SqliteTestDatabase.ScalarAsync(DbPath, sql, Ct);

    [Fact]
    public async Task Initialize_MissingDirectories_CreatesThemAndUsesWal()
    {
        await using (var store = new SqliteResultStore(DbPath))
        {
            await store.InitializeAsync(Ct);
        }

        Assert.True(File.Exists(DbPath));
        Assert.Equal("wal", await SqliteTestDatabase.TextAsync(DbPath, "PRAGMA journal_mode;", Ct));
    }

    [Fact]
    public async Task ReadExisting_MissingFile_StoreNotFoundAndNothingCreated()
    {
        await using var store = new SqliteResultStore(DbPath, StoreAccess.ReadExisting);

        var error = await Assert.ThrowsAsync<StoreNotFoundException>(() => store.ListRunsAsync(new RunQuery(), Ct));

        Assert.Equal($"no result store at {DbPath}", error.Message);
        Assert.False(File.Exists(DbPath));
        Assert.False(Directory.Exists(Path.GetDirectoryName(DbPath)));
    }

    [Fact]
    public async Task ReadExisting_FileThatIsNoRtcBenchStore_StoreNotFoundAndFileUntouched()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        await File.WriteAllBytesAsync(DbPath, [], Ct);
        await using var store = new SqliteResultStore(DbPath, StoreAccess.ReadExisting);

        var error = await Assert.ThrowsAsync<StoreNotFoundException>(() => store.InitializeAsync(Ct));

        Assert.Contains("is not an RtcBench result store", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(DbPath).Length);
    }

    [Fact]
    public async Task ReadExisting_ExistingStore_Reads()
    {
        var run = TestRuns.Create(pingCount: 5);
        await using (var writer = new SqliteResultStore(DbPath))
        {
            await writer.SaveRunAsync(run, Ct);
        }
        await using var reader = new SqliteResultStore(DbPath, StoreAccess.ReadExisting);

        Assert.False((await reader.InitializeAsync(Ct)).Created);
        Assert.Equal(run.RunId, Assert.Single((await reader.ListRunsAsync(new RunQuery(), Ct)).Items).RunId);
    }

    [Fact]
    public async Task SaveRun_SameIdTwice_RowCountsUnchanged()
    {
        var run = TestRuns.Create(pingCount: 123);
        await using var store = new SqliteResultStore(DbPath);
        await store.SaveRunAsync(run, Ct);

        await store.SaveRunAsync(TestRuns.Create(pingCount: 9, runId: run.RunId), Ct);

        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM runs;"));
        Assert.Equal(123, await CountAsync("SELECT COUNT(*) FROM pings;"));
    }

    [Fact]
    public async Task SaveRun_Run_StoresQueryableColumns()
    {
        var run = TestRuns.Create();
        await using var store = new SqliteResultStore(DbPath);
        await store.SaveRunAsync(run, Ct);

        long startedUs = (run.StartedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        Assert.Equal(startedUs, await CountAsync("SELECT started_at FROM runs;"));
        Assert.Equal(300, await CountAsync("SELECT length(histogram) FROM runs;"));
        Assert.Equal(run.Stats.Ok, await CountAsync("SELECT ok FROM runs;"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM pings WHERE status = 'not_sent' AND sent_at IS NULL AND rtt_us IS NULL;"));
        Assert.Equal(startedUs, await CountAsync("SELECT scheduled_at FROM pings WHERE seq = 0;"));
    }

    [Fact]
    public async Task DeleteRun_WithForeignKeys_CascadesToPings()
    {
        var run = TestRuns.Create();
        await using (var store = new SqliteResultStore(DbPath))
        {
            await store.SaveRunAsync(run, Ct);
        }

        await SqliteTestDatabase.ExecuteAsync(DbPath, "DELETE FROM runs;", Ct);

        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pings;"));
    }

    [Fact]
    public async Task SaveRun_HundredThousandPings_SavesAndReadsThemBack()
    {
        var run = TestRuns.Create(pingCount: 100_000);
        await using var store = new SqliteResultStore(DbPath);
        await store.InitializeAsync(Ct);

        var save = Stopwatch.StartNew();
        await store.SaveRunAsync(run, Ct);
        save.Stop();
        var read = Stopwatch.StartNew();
        var back = await store.GetRunAsync(run.RunId, includePings: true, Ct);
        read.Stop();

        output.WriteLine($"100,000 pings: save {save.ElapsedMilliseconds} ms, read {read.ElapsedMilliseconds} ms");
        Assert.Equal(100_000, back!.Pings.Count);
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var store = new SqliteResultStore(DbPath);
        await store.InitializeAsync(Ct);
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.ListRunsAsync(new RunQuery(), Ct));
    }
}
