using System.Text;

namespace RtcBench.Cli.Tests;

/// <summary>
/// docs/cli.md is the CLI reference: it must equal what `--help` prints for every command and subcommand, taken
/// from the command tree itself (a new command can never be missed). To regenerate it after changing an option,
/// run the tests with RTCBENCH_UPDATE_DOCS=1.
/// </summary>
public sealed class HelpDocsTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task CliReference_MatchesHelpOutput()
    {
        var doc = new StringBuilder();
        doc.Append("# rtcbench command reference\n\n");
        doc.Append("Generated from `rtcbench … --help`; a test fails when this file and the help differ.\n");
        doc.Append("Regenerate with `RTCBENCH_UPDATE_DOCS=1 dotnet test tests/RtcBench.Cli.Tests`.\n");
        foreach (var (command, _) in CommandTree.All())
        {
            var result = await _cli.RunAsync([.. command, "--help"]);
            Assert.Equal(0, result.ExitCode);
            string title = command.Length == 0 ? "rtcbench" : "rtcbench " + string.Join(' ', command);
            doc.Append($"\n## {title}\n\n```text\n{result.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd()}\n```\n");
        }
        string expected = doc.ToString();
        string path = Path.Combine(FindRepoRoot(), "docs", "cli.md");
        if (Environment.GetEnvironmentVariable("RTCBENCH_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, expected);
        }
        string actual = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        Assert.True(expected == actual, "docs/cli.md differs from --help; regenerate with RTCBENCH_UPDATE_DOCS=1 dotnet test tests/RtcBench.Cli.Tests");
    }

    [Fact]
    public void CommandTree_HasEveryCommandUsersAreToldAbout()
    {
        var paths = CommandTree.All().Select(c => string.Join(' ', c.Path)).ToList();
        Assert.Contains("serve", paths);
        Assert.Contains("push", paths);
        Assert.Contains("results list", paths);
        Assert.Contains("db migrate", paths);
    }

    [Fact]
    public async Task Readme_CommandsTable_NamesEveryCommand()
    {
        string readme = await File.ReadAllTextAsync(Path.Combine(FindRepoRoot(), "README.md"));
        var missing = CommandTree.All()
            .Where(c => c.Path.Length > 0 && c.Command.Subcommands.Count == 0)
            .Select(c => "rtcbench " + string.Join(' ', c.Path))
            .Where(name => !readme.Contains(name, StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "README.md does not mention: " + string.Join(", ", missing));
    }

    internal static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RtcBench.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("RtcBench.sln not found above the test binaries.");
    }
}
