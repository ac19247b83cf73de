namespace RtcBench.Storage.Tests.Postgres;

/// <summary>How the test fixture finds the server binaries (no server needed).</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public void FindBinDirectory_NoBinaries_FailsSayingWhatToInstall()
    {
        using var empty = new TempDirectory();

        var error = Assert.Throws<InvalidOperationException>(
            () => PostgresServer.FindBinDirectory(pgConfigBinDir: empty.Path, debianRoot: empty.File("none")));

        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindBinDirectory_SeveralDebianVersions_PicksNewestWithInitdb()
    {
        using var root = new TempDirectory();
        foreach (string version in (string[])["13", "15", "16"])
        {
            string bin = Directory.CreateDirectory(root.File(Path.Combine(version, "bin"))).FullName;
            if (version != "16")
            {
                File.WriteAllText(Path.Combine(bin, "initdb"), "");
                File.WriteAllText(Path.Combine(bin, "pg_ctl"), "");
            }
        }

        Assert.Equal(root.File("15/bin"), PostgresServer.FindBinDirectory(pgConfigBinDir: null, debianRoot: root.Path));
    }
}
