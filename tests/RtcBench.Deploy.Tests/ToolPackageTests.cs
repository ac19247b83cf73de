using System.Text.Json;
using RtcBench.Deploy.Tests.Support;

namespace RtcBench.Deploy.Tests;

/// <summary>The .NET tool package: installed from the local package into a fresh tool path, it runs.</summary>
[Collection(InstalledToolCollection.Name)]
public sealed class ToolPackageTests(InstalledTool tool)
{
    [Fact]
    public async Task Tool_InstalledIntoAFreshToolPath_PrintsItsVersion()
    {
        var result = await Tool.RunAsync(tool.Command, ["--version"], tool.Scratch);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(InstalledTool.Version, result.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tool_Installed_RunsQuickstartOnBothLocalPlatforms()
    {
        var result = await Tool.RunAsync(tool.Command,
            ["quickstart", "--count", "20", "--interval", "10ms", "--warmup", "2", "--no-store", "--json", "-q"], tool.Scratch,
            new Dictionary<string, string> { ["HOME"] = tool.Scratch, ["RTCBENCH_HOME"] = tool.Scratch });

        Assert.True(result.ExitCode == 0, result.ToString());
        var runs = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Contains(runs, r => r.GetProperty("platform").GetString() == "udp");
        Assert.Contains(runs, r => r.GetProperty("platform").GetString() == "direct");
        Assert.All(runs, r => Assert.Equal("ok", r.GetProperty("outcome").GetProperty("status").GetString()));
        Assert.All(runs, r => Assert.Equal(20, r.GetProperty("stats").GetProperty("ok").GetInt32()));
    }
}
