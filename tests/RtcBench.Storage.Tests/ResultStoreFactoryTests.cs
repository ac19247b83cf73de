using RtcBench.Storage.Sqlite;

namespace RtcBench.Storage.Tests;

public sealed class ResultStoreFactoryTests
{
    private static readonly string Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    [Fact]
    public void TryParse_SqliteHomePath_ExpandsHome()
    {
        Assert.True(ResultStoreFactory.TryParse("sqlite:~/x.db", out var spec, out string error));

        Assert.Equal(new StoreSpec(StoreKind.Sqlite, Path.Combine(Home, "x.db")), spec);
        Assert.Equal("", error);
    }

    [Fact]
    public void TryParse_SchemeInAnyCase_Accepted()
    {
        Assert.True(ResultStoreFactory.TryParse("SQLite:~/.rtcbench/r.db", out var spec, out _));

        Assert.Equal(Path.Combine(Home, ".rtcbench", "r.db"), spec.Target);
    }

    [Fact]
    public void TryParse_SqliteAbsolutePath_Unchanged()
    {
        string path = Path.Combine(Path.GetTempPath(), "a", "b.db");

        Assert.True(ResultStoreFactory.TryParse("sqlite:" + path, out var spec, out _));

        Assert.Equal(path, spec.Target);
    }

    [Fact]
    public void TryParse_SqliteRelativePath_MadeAbsolute()
    {
        Assert.True(ResultStoreFactory.TryParse("sqlite:data/r.db", out var spec, out _));

        Assert.Equal(Path.GetFullPath("data/r.db"), spec.Target);
    }

    [Theory]
    [InlineData("mysql:x")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("sqlite:")]
    [InlineData("sqlite:  ")]
    [InlineData("results.db")]
    [InlineData(":x.db")]
    public void TryParse_BadSpec_ErrorListsSupportedSchemes(string text)
    {
        Assert.False(ResultStoreFactory.TryParse(text, out var spec, out string error));

        Assert.Null(spec);
        Assert.Contains("sqlite:PATH", error, StringComparison.Ordinal);
        Assert.Contains("postgres:CONNSTRING", error, StringComparison.Ordinal);
        Assert.Contains("postgres://user:password@host:port/database", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_UnknownScheme_NamesIt()
    {
        Assert.False(ResultStoreFactory.TryParse("mysql:x", out _, out string error));

        Assert.Contains("\"mysql:\"", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mysql:x")]
    [InlineData("")]
    [InlineData("sqlite:")]
    public void Open_BadSpec_ThrowsArgumentExceptionWithSupportedSchemes(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => ResultStoreFactory.Open(text));

        Assert.Contains("sqlite:PATH", error.Message, StringComparison.Ordinal);
        Assert.Equal("spec", error.ParamName);
    }

    [Fact]
    public async Task Open_SqliteSpec_OpensWorkingSqliteStore()
    {
        using var directory = new TempDirectory();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = TestRuns.Create();

        await using (var store = ResultStoreFactory.Open("sqlite:" + directory.File("sub/results.db")))
        {
            Assert.IsType<SqliteResultStore>(store);
            Assert.Equal(SaveOutcome.Inserted, await store.SaveRunAsync(run, timeout.Token));
        }

        Assert.True(File.Exists(directory.File("sub/results.db")));
    }

    [Fact]
    public void ResolveDefaultSqlitePath_NoRtcbenchHome_UnderUserHome()
    {
        Assert.Equal(
            Path.Combine(Home, ".rtcbench", "results.db"),
            ResultStoreFactory.ResolveDefaultSqlitePath(null, Home));
        Assert.Equal(
            Path.Combine(Home, ".rtcbench", "results.db"),
            ResultStoreFactory.ResolveDefaultSqlitePath("  ", Home));
    }

    [Fact]
    public void ResolveDefaultSqlitePath_RtcbenchHomeSet_UsesThatDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "rtcbench-home");

        Assert.Equal(Path.Combine(dir, "results.db"), ResultStoreFactory.ResolveDefaultSqlitePath(dir, Home));
        Assert.Equal(Path.Combine(Home, "bench", "results.db"), ResultStoreFactory.ResolveDefaultSqlitePath("~/bench", Home));
    }

    [Fact]
    public void DefaultSqlitePath_Always_AbsoluteResultsDb()
    {
        string path = ResultStoreFactory.DefaultSqlitePath;

        Assert.True(Path.IsPathFullyQualified(path));
        Assert.Equal("results.db", Path.GetFileName(path));
    }
}
