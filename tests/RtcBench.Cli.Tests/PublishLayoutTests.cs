using System.Diagnostics;
using System.Text.Json;

namespace RtcBench.Cli.Tests;

/// <summary>
/// What `dotnet publish src/RtcBench.Cli` ships (README, "Install: publish for this machine"): the daily platform's
/// browser library without a bundled Node (Playwright's driver was 135 MB of the old 215 MB), and native libraries
/// for the machine's own runtime identifier only. The properties are read from MSBuild's evaluation, as publish sees them.
/// </summary>
public sealed class PublishLayoutTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(5);

    [Fact]
    public void CliDependencies_BrowserLibrary_PuppeteerSharpAndNoPlaywright()
    {
        string deps = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "rtcbench.deps.json"));
        using var doc = JsonDocument.Parse(deps);
        var libraries = doc.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains(libraries, l => l.StartsWith("PuppeteerSharp/", StringComparison.Ordinal));
        Assert.DoesNotContain(libraries, l => l.Contains("Playwright", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Publish_NoRuntimeGiven_TargetsTheSdksOwnRuntimeFrameworkDependent()
    {
        var publishing = await EvaluateAsync("-p:_IsPublishing=true").WaitAsync(HangGuard);

        Assert.False(string.IsNullOrEmpty(publishing["NETCoreSdkRuntimeIdentifier"]));
        Assert.Equal(publishing["NETCoreSdkRuntimeIdentifier"], publishing["RuntimeIdentifier"]);
        Assert.Equal("false", publishing["SelfContained"]);
    }

    [Fact]
    public async Task Publish_RuntimeGiven_KeepsIt()
    {
        var publishing = await EvaluateAsync("-p:_IsPublishing=true", "-p:RuntimeIdentifier=linux-arm64").WaitAsync(HangGuard);

        Assert.Equal("linux-arm64", publishing["RuntimeIdentifier"]);
    }

    [Fact]
    public async Task Build_NotPublishing_StaysPortable()
    {
        var building = await EvaluateAsync().WaitAsync(HangGuard);

        Assert.Equal("", building["RuntimeIdentifier"]);
    }

    private static async Task<Dictionary<string, string>> EvaluateAsync(params string[] properties)
    {
        string project = Path.Combine(HelpDocsTests.FindRepoRoot(), "src", "RtcBench.Cli", "RtcBench.Cli.csproj");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["msbuild", project, "-nologo",
            "-getProperty:RuntimeIdentifier", "-getProperty:SelfContained", "-getProperty:NETCoreSdkRuntimeIdentifier", .. properties])
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"dotnet msbuild exited {process.ExitCode}\n{output}\n{await stderr}");
        using var doc = JsonDocument.Parse(output);
        return doc.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }
}
