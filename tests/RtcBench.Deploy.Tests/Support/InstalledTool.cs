using RtcBench.Storage.Tests;

namespace RtcBench.Deploy.Tests.Support;

/// <summary>
/// The CLI packed as a .NET tool (<c>dotnet pack src/RtcBench.Cli</c>, Release) and installed from that local package
/// into a fresh <c>--tool-path</c>, once for the tests that share it: what a user gets from
/// <c>dotnet tool install</c>.
/// </summary>
public sealed class InstalledTool : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>The installed <c>rtcbench</c> command.</summary>
    public string Command => System.IO.Path.Combine(_dir.Path, "tools", "rtcbench");

    /// <summary>A scratch directory for the tests (HOME of the tool's runs).</summary>
    public string Scratch => _dir.File("scratch");

    public string PackageDirectory => _dir.File("packages");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Scratch);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : Tool.Find("dotnet");
        Tool.Result pack;
        await DotnetBuilds.Gate.WaitAsync();
        try
        {
            pack = await Tool.RunAsync(dotnet, ["pack", Repo.Path("src", "RtcBench.Cli", "RtcBench.Cli.csproj"), "-c", "Release", "-o", PackageDirectory, "-v", "q", "-nologo"]);
        }
        finally
        {
            DotnetBuilds.Gate.Release();
        }
        Assert.True(pack.ExitCode == 0, "dotnet pack: " + pack);
        Assert.Single(Directory.GetFiles(PackageDirectory, "rtcbench.*.nupkg"));
        var install = await Tool.RunAsync(dotnet, ["tool", "install", "rtcbench", "--tool-path", _dir.File("tools"), "--add-source", PackageDirectory, "--version", Version]);
        Assert.True(install.ExitCode == 0, "dotnet tool install: " + install);
        Assert.True(File.Exists(Command), $"{Command} is missing after the install:\n{install}");
    }

    /// <summary>The package version: the repository's version without build metadata.</summary>
    public static string Version => Core.ToolInfo.Version.Split('+')[0];

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>The tests that share one packed and installed tool (packing takes a minute or more).</summary>
[CollectionDefinition(Name)]
public sealed class InstalledToolCollection : ICollectionFixture<InstalledTool>
{
    public const string Name = "installed tool";
}
