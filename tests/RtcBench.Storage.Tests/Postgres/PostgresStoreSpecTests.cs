using Npgsql;
using RtcBench.Storage.Postgres;

namespace RtcBench.Storage.Tests.Postgres;

/// <summary>Parsing <c>postgres:</c> specifications, and keeping the password out of every message (no server needed).</summary>
public sealed class PostgresStoreSpecTests
{
    private const string Secret = "s3cr#t:P@ss/w;rd";

    private static NpgsqlConnectionStringBuilder Builder(StoreSpec spec) => new(spec.Target);

    [Fact]
    public void TryParse_ConnectionString_KeepsEverySetting()
    {
        Assert.True(ResultStoreFactory.TryParse(
            "postgres:Host=127.0.0.1;Port=5433;Username=rtcbench;Password=pw;Database=results", out var spec, out string error));

        Assert.Equal("", error);
        Assert.Equal(StoreKind.Postgres, spec.Kind);
        var b = Builder(spec);
        Assert.Equal(("127.0.0.1", 5433, "rtcbench", "pw", "results"), (b.Host, b.Port, b.Username, b.Password, b.Database));
    }

    [Theory]
    [InlineData("postgres://rtcbench:pw@db.example:6543/results")]
    [InlineData("postgresql://rtcbench:pw@db.example:6543/results")]
    [InlineData("POSTGRES://rtcbench:pw@db.example:6543/results")]
    public void TryParse_Url_BecomesConnectionString(string url)
    {
        Assert.True(ResultStoreFactory.TryParse(url, out var spec, out _));

        var b = Builder(spec);
        Assert.Equal(("db.example", 6543, "rtcbench", "pw", "results"), (b.Host, b.Port, b.Username, b.Password, b.Database));
    }

    [Fact]
    public void TryParse_UrlWithoutPortOrUser_DefaultPortNoCredentials()
    {
        Assert.True(ResultStoreFactory.TryParse("postgres://db/rtcbench", out var spec, out _));

        var b = Builder(spec);
        Assert.Equal(("db", 5432, null, null, "rtcbench"), (b.Host, b.Port, b.Username, b.Password, b.Database));
    }

    [Fact]
    public void TryParse_UrlPercentEncodedPasswordAndQuery_Decoded()
    {
        string encoded = Uri.EscapeDataString(Secret);

        Assert.True(ResultStoreFactory.TryParse(
            $"postgres://bench%20user:{encoded}@[::1]:5432/my%20db?sslmode=disable&application_name=rtcbench", out var spec, out _));

        var b = Builder(spec);
        Assert.Equal(("::1", "bench user", Secret, "my db"), (b.Host, b.Username, b.Password, b.Database));
        Assert.Equal(SslMode.Disable, b.SslMode);
        Assert.Equal("rtcbench", b.ApplicationName);
    }

    [Theory]
    [InlineData("postgres:")]
    [InlineData("postgres:   ")]
    [InlineData("postgres:Database=rtcbench")]
    [InlineData("postgres:Host=db;NoSuchKeyword=1")]
    [InlineData("postgres:Host=db;Port=notaport")]
    [InlineData("postgres://")]
    [InlineData("postgres://db/x?nosuchparameter=1")]
    public void TryParse_BadPostgresSpec_FailsListingSupportedForms(string text)
    {
        Assert.False(ResultStoreFactory.TryParse(text, out var spec, out string error));

        Assert.Null(spec);
        Assert.Contains("postgres:CONNSTRING", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres:Host=db;Password=" + "\"" + Secret + "\"" + ";NoSuchKeyword=1")]
    [InlineData("postgres:Host=db;Password=" + "\"" + Secret + "\"" + ";Port=notaport")]
    [InlineData("postgres:Password=" + "\"" + Secret + "\"")]
    [InlineData("Host=db;Password=" + "\"" + Secret + "\"")]
    [InlineData("Password=" + "\"" + Secret + "\"" + ";Host=db")]
    public void TryParse_BadSpecWithPassword_ErrorLeavesPasswordOut(string text)
    {
        Assert.False(ResultStoreFactory.TryParse(text, out _, out string error));

        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
        Assert.DoesNotContain("P@ss", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres://u:hunter2-secret@db/x?nosuchparameter=1")]
    [InlineData("postgres://u:hunter2-secret@/x")]
    [InlineData("postgres://u:hunter2-secret@db:notaport/x")]
    public void TryParse_BadUrlWithPassword_ErrorLeavesPasswordOut(string text)
    {
        Assert.False(ResultStoreFactory.TryParse(text, out _, out string error));

        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_BadSpecWithPassword_ExceptionLeavesPasswordOut()
    {
        var error = Assert.Throws<ArgumentException>(
            () => ResultStoreFactory.Open("postgres:Host=db;Password=hunter2-secret;Port=x"));

        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StoreSpec_ToStringAndDisplay_RedactPassword()
    {
        Assert.True(ResultStoreFactory.TryParse("postgres://rtcbench:hunter2-secret@db/results", out var spec, out _));

        Assert.DoesNotContain("hunter2", spec.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", spec.Display, StringComparison.Ordinal);
        Assert.Contains("Password=***", spec.Display, StringComparison.Ordinal);
        Assert.StartsWith("postgres:", spec.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_PostgresSpec_StoreDescriptionLeavesPasswordOut()
    {
        await using var store = ResultStoreFactory.Open("postgres:Host=db.example;Port=6000;Username=bench;Password=hunter2-secret;Database=r");

        var postgres = Assert.IsType<PostgresResultStore>(store);
        Assert.Equal("db.example:6000/r (user bench)", postgres.DatabaseName);
        Assert.DoesNotContain("hunter2", postgres.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StoreSpec_Sqlite_DisplaysPath()
    {
        Assert.True(ResultStoreFactory.TryParse("sqlite:/tmp/r.db", out var spec, out _));

        Assert.Equal("/tmp/r.db", spec.Display);
        Assert.Equal("sqlite:/tmp/r.db", spec.ToString());
    }

    [Fact]
    public void Settings_NotGiven_PreparesStatementsAndKeepsThemOverPoolReturns()
    {
        var settings = PostgresResultStore.Settings("Host=127.0.0.1;Username=u;Database=d");

        Assert.Equal((PostgresResultStore.AutoPrepareStatements, true), (settings.MaxAutoPrepare, settings.NoResetOnClose));
    }

    [Fact]
    public void Settings_Given_AreKept()
    {
        var settings = PostgresResultStore.Settings("Host=127.0.0.1;Username=u;Database=d;Max Auto Prepare=0;No Reset On Close=false");

        Assert.Equal((0, false), (settings.MaxAutoPrepare, settings.NoResetOnClose));
    }
}
