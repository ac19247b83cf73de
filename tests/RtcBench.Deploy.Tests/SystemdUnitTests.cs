using System.Text.RegularExpressions;
using RtcBench.Deploy.Tests.Support;
using RtcBench.Storage.Tests;

namespace RtcBench.Deploy.Tests;

/// <summary>
/// deploy/systemd/*.service pass <c>systemd-analyze verify</c> (with the binary they start present: the installed
/// tool stands at /usr/local/bin/rtcbench's place) and keep their secrets out of the unit and the command line.
/// </summary>
[Collection(InstalledToolCollection.Name)]
public sealed partial class SystemdUnitTests(InstalledTool tool)
{
    private const string Binary = "/usr/local/bin/rtcbench";

    public static TheoryData<string> Units => ["rtcbench-agent.service", "rtcbench-serve.service", "rtcbench-runner.service"];

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_PassesSystemdAnalyzeVerifyWithoutAWarning(string unit)
    {
        using var dir = new TempDirectory();
        string path = dir.File(unit);
        await File.WriteAllTextAsync(path, (await ReadUnitAsync(unit)).Replace(Binary, tool.Command, StringComparison.Ordinal));

        var result = await Tool.RunAsync(Tool.Find("systemd-analyze"), ["verify", path]);

        Assert.True(result.ExitCode == 0 && result.Output.Length == 0, result.ToString());
    }

    [Fact]
    public async Task Verify_OnAMisspelledDirective_Warns()
    {
        // What the test above would catch: systemd ignores an unknown key with a warning (exit code 0).
        using var dir = new TempDirectory();
        string path = dir.File("rtcbench-agent.service");
        string text = (await ReadUnitAsync("rtcbench-agent.service")).Replace(Binary, tool.Command, StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, text.Replace("Restart=on-failure", "Restrat=on-failure", StringComparison.Ordinal));

        var result = await Tool.RunAsync(Tool.Find("systemd-analyze"), ["verify", path]);

        Assert.Contains("Unknown key 'Restrat'", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Units))]
    public async Task Unit_TakesItsSecretsFromCredentialsOrAnEnvironmentFile(string unit)
    {
        string text = await ReadUnitAsync(unit);
        string exec = Assert.Single(text.Split('\n'), l => l.StartsWith("ExecStart=", StringComparison.Ordinal));

        Assert.DoesNotMatch(SecretOnCommandLine(), exec);
        Assert.DoesNotMatch(SecretInEnvironment(), text);
        Assert.Matches(@"(?m)^(LoadCredential=|EnvironmentFile=/etc/rtcbench/)", text);
    }

    [Fact]
    public async Task RunnerUnit_RunsThePlan()
    {
        string text = await ReadUnitAsync("rtcbench-runner.service");

        Assert.Contains($"ExecStart={Binary} runner --plan /etc/rtcbench/plan.json", text, StringComparison.Ordinal);
    }

    private static Task<string> ReadUnitAsync(string unit) => File.ReadAllTextAsync(Repo.Path("deploy", "systemd", unit));

    /// <summary>A key or token given inline: --api-key KEY, --store-token T, --ingest-token T (files and credentials are fine).</summary>
    [GeneratedRegex(@"--(api-key|store-token|ingest-token)(\s|=)")]
    private static partial Regex SecretOnCommandLine();

    [GeneratedRegex(@"(?m)^Environment=\S*(KEY|TOKEN|SECRET|PASSWORD)\S*=")]
    private static partial Regex SecretInEnvironment();
}
