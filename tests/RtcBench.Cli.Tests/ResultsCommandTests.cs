using System.Net;
using System.Net.Sockets;
using RtcBench.Core.Results;
using RtcBench.Storage;
using RtcBench.Storage.Sqlite;
using RtcBench.Storage.Tests;

namespace RtcBench.Cli.Tests;

/// <summary>
/// `results list|show` and `db migrate` on real SQLite files: a read never creates a store, a run is found by a unique
/// prefix of its id, and `db migrate` says what it did.
/// </summary>
public sealed class ResultsCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public ResultsCommandTests()
    {
        _cli.Environment["RTCBENCH_HOME"] = _cli.TempDir;
    }

    public void Dispose() => _cli.Dispose();

    private string DbPath => Path.Combine(_cli.TempDir, "results.db");

    private async Task SaveAsync(params RunResult[] runs)
    {
        await using var store = new SqliteResultStore(DbPath);
        foreach (var run in runs)
        {
            await store.SaveRunAsync(run, CancellationToken.None);
        }
    }

    private static RunResult WithId(string id) => RunnerDocuments.Create([10, 11, 12]) with { RunId = id };

    private static void AssertError(CliResult result, int exit, string start)
    {
        Assert.Equal(exit, result.ExitCode);
        Assert.StartsWith("rtcbench: error: " + start, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("show")]
    public async Task Results_MissingSqliteStore_NotFoundWithItsPathAndNothingCreated(string command)
    {
        string missing = Path.Combine(_cli.TempDir, "nonexistent", "x.db");
        string[] args = command == "list" ? ["results", "list", "--store", "sqlite:" + missing] : ["results", "show", "abcd1234", "--store", "sqlite:" + missing];

        var result = await _cli.RunAsync(args);

        AssertError(result, ExitCodes.NotFound, $"no result store at {missing} (reads never create a store;");
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
    }

    [Fact]
    public async Task ResultsList_ExistingEmptyStore_SaysNoRuns()
    {
        var migrate = await _cli.RunAsync("db", "migrate", "--store", _cli.StoreSpec);
        var list = await _cli.RunAsync("results", "list", "--store", _cli.StoreSpec);

        Assert.Equal(ExitCodes.Ok, migrate.ExitCode);
        Assert.Equal(ExitCodes.Ok, list.ExitCode);
        Assert.Contains("no stored runs", list.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abcd1")]
    [InlineData("ABCD1")]
    [InlineData("abcd1111-1111")]
    [InlineData("abcd11111111111111111111111111111")]
    public async Task ResultsShow_UniquePrefix_ShowsThatRun(string prefix)
    {
        string id = "abcd" + new string('1', 28);
        await SaveAsync(WithId(id), WithId("abcd" + new string('2', 28)));
        if (prefix.Length > 32)
        {
            prefix = prefix[..32];
        }

        var result = await _cli.RunAsync("results", "show", prefix, "--store", _cli.StoreSpec, "--json");

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Stderr);
        Assert.Equal(id, ResultJson.Deserialize(result.Stdout).RunId);
    }

    [Fact]
    public async Task ResultsShow_AmbiguousPrefix_UsageErrorListingTheCandidates()
    {
        string first = "abcd" + new string('1', 28), second = "abcd" + new string('2', 28);
        await SaveAsync(WithId(first), WithId(second), WithId("abce" + new string('3', 28)));

        var result = await _cli.RunAsync("results", "show", "abcd", "--store", _cli.StoreSpec);

        AssertError(result, ExitCodes.Usage, "run id prefix 'abcd' is ambiguous: 2 stored runs start with it; give more digits:");
        string[] lines = result.Stderr.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"rtcbench:   {first}  udp/lossy  eu-west-1  2026-11-21 10:00:00Z", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"rtcbench:   {second}", lines[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ffff", ExitCodes.NotFound, "no stored run id starts with 'ffff' in sqlite:")]
    [InlineData("ffffffffffffffffffffffffffffffff", ExitCodes.NotFound, "no run ffffffffffffffffffffffffffffffff in sqlite:")]
    [InlineData("abc", ExitCodes.Usage, "'abc' is too short: give at least 4 hex digits of the run id")]
    [InlineData("xyz12", ExitCodes.Usage, "'xyz12' is not a run id (32 hex digits) or the start of one")]
    public async Task ResultsShow_NoSuchRunOrBadId_ClearErrorAndItsExitCode(string id, int exit, string message)
    {
        await SaveAsync(WithId("abcd" + new string('1', 28)));

        var result = await _cli.RunAsync("results", "show", id, "--store", _cli.StoreSpec);

        AssertError(result, exit, message);
    }

    [Fact]
    public async Task DbMigrate_NewStoreThenAgain_SaysWhatItCreatedThenNothingToDo()
    {
        string path = Path.Combine(_cli.TempDir, "new", "results.db");

        var created = await _cli.RunAsync("db", "migrate", "--store", "sqlite:" + path);
        var again = await _cli.RunAsync("db", "migrate", "--store", "sqlite:" + path);

        Assert.Equal(ExitCodes.Ok, created.ExitCode);
        Assert.Equal(
            $"rtcbench: created the result store sqlite:{path} with schema version 9 (migrations 0001_initial.sql, 0002_outcome_evidence.sql, 0003_rollups.sql, 0004_ping_retention.sql, 0005_weekly_rollups.sql, 0006_month_partitions.sql, 0007_ping_writes.sql, 0008_coarse_rollups.sql, 0009_all_locations_rollups.sql)",
            created.Stderr.TrimEnd());
        Assert.True(File.Exists(path));
        Assert.Equal(ExitCodes.Ok, again.ExitCode);
        Assert.Equal($"rtcbench: sqlite:{path} is up to date (schema version 9); nothing to do", again.Stderr.TrimEnd());
    }

    [Fact]
    public async Task Quickstart_ResultsServiceUnreachable_SaysSpooledAndHowToPushNotTheDashboard()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        string url = $"http://127.0.0.1:{port}";

        var result = await _cli.RunAsync("quickstart", "--count", "5", "--warmup", "0", "--interval", "5ms", "--store", url);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Stderr);
        string last = result.Stderr.TrimEnd().Split('\n')[^1];
        Assert.StartsWith($"rtcbench: next: {url} could not be reached, so 3 run(s) wait in {Path.Combine(_cli.TempDir, "spool")}", last, StringComparison.Ordinal);
        Assert.EndsWith($"`rtcbench push --store {url}` sends them (the next run with this --store does too).", last, StringComparison.Ordinal);
        Assert.DoesNotContain("dashboard", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_cli.TempDir, "spool"), "*.json").Length);
    }

    [Fact]
    public async Task DbRebuildRollups_StoreWithRuns_SaysHowManyRunsAndRowsAndQueriesStillAgree()
    {
        var start = RunnerDocuments.BaseTime;
        await SaveAsync(
            RunnerDocuments.Create([10, 11, 12], startedAt: start),
            RunnerDocuments.Create([20, 21], startedAt: start.AddMinutes(70)),
            RunnerDocuments.Create([30], startedAt: start.AddDays(1), location: null));

        var result = await _cli.RunAsync("db", "rebuild-rollups", "--store", _cli.StoreSpec);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Stderr);
        Assert.Contains("from 3 run(s): 3 hourly, 2 daily and 2 weekly row(s)", result.Stderr, StringComparison.Ordinal);
        await using var store = new SqliteResultStore(DbPath);
        var midnight = new DateTimeOffset(start.UtcDateTime.Date, TimeSpan.Zero);
        var day = await store.QueryRollupsAsync(
            new Storage.Queries.AggregateFilter { Since = midnight, Until = midnight.AddDays(1) }, 86400, CancellationToken.None);
        Assert.Equal((2, 5), (Assert.Single(day).Sums.Runs, Assert.Single(day).Sums.Ok));
    }

    [Fact]
    public async Task DbRebuildRollups_MissingStore_NotFoundAndNothingCreated()
    {
        string missing = Path.Combine(_cli.TempDir, "nothere.db");

        var result = await _cli.RunAsync("db", "rebuild-rollups", "--store", "sqlite:" + missing);

        AssertError(result, ExitCodes.NotFound, $"no result store at {missing}");
        Assert.False(File.Exists(missing));
    }
}
