using System.Diagnostics;
using System.Text.Json;

namespace RtcBench.Cli.Tests;

/// <summary>
/// The repo-root launcher <c>./rtcbench</c> (bash): builds once, rebuilds only when a source changed, passes every
/// argument and the exit code through, and keeps stdout for rtcbench alone (build output goes to stderr).
/// The launcher's logic is exercised on a copy next to a small real console project (so its builds take seconds
/// and the test can change sources); the real repository's launcher is run too, as the README tells users to.
/// </summary>
public sealed class LauncherTests : IDisposable
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(20);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtcbench-launcher-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private const string StubProgram = """
        Console.Error.WriteLine("stub: on stderr");
        Console.Out.Write(System.Text.Json.JsonSerializer.Serialize(args));
        return args.Length > 0 && int.TryParse(args[0], out int code) ? code : 0;
        """;

    [Fact]
    public async Task Launcher_CopyWithAConsoleProject_BuildsOncePassesArgumentsAndExitCodeRebuildsOnChange()
    {
        string launcher = CopyLauncherWithStubProject(StubProgram);
        string program = Path.Combine(_dir, "src", "RtcBench.Cli", "Program.cs");
        string[] args = ["3", "two words", "", "quote\"d 'and' $HOME", "*", "--json", "ünïcode", "-"];

        // First run: builds (saying so on stderr only), then runs the binary with the arguments exactly as given.
        var first = await RunAsync(launcher, _dir, args);
        Assert.True(first.ExitCode == 3, first.Stderr);
        Assert.Equal(args, JsonSerializer.Deserialize<string[]>(first.Stdout));
        Assert.Contains("rtcbench: building rtcbench (first run", first.Stderr, StringComparison.Ordinal);
        Assert.Contains("stub: on stderr", first.Stderr, StringComparison.Ordinal);
        // The launcher's lock (fd 9) stays with the launcher: a lingering build node holding it would make the next
        // rebuild wait forever.
        var inherited = File.ReadAllLines(Path.Combine(_dir, "src", "RtcBench.Cli", "build-fds.txt"));
        Assert.Contains("2", inherited);
        Assert.DoesNotContain("9", inherited);

        // Second run: nothing changed, so no build: stderr is the program's own.
        var second = await RunAsync(launcher, _dir, "0");
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("[\"0\"]", second.Stdout);
        Assert.Equal("stub: on stderr\n", second.Stderr);

        // A source changed: rebuilt, and the change is what runs.
        await WriteNewerThanStampAsync(program, StubProgram.Replace("on stderr", "changed", StringComparison.Ordinal));
        var third = await RunAsync(launcher, _dir, "7");
        Assert.True(third.ExitCode == 7, third.Stderr);
        Assert.Contains("rtcbench: rebuilding rtcbench (changed src/RtcBench.Cli/Program.cs)", third.Stderr, StringComparison.Ordinal);
        Assert.Contains("stub: changed", third.Stderr, StringComparison.Ordinal);
        Assert.Equal("[\"7\"]", third.Stdout);

        // A build that fails: one clear line, exit 1, nothing on stdout, and the old binary is not run.
        await WriteNewerThanStampAsync(program, "this is not C#");
        var broken = await RunAsync(launcher, _dir, "0");
        Assert.Equal(1, broken.ExitCode);
        Assert.Equal("", broken.Stdout);
        Assert.Contains("rtcbench: error: the build failed", broken.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("stub:", broken.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launcher_RealRepository_QuickstartJsonKeepsStdoutCleanAndUsageErrorsExit2()
    {
        string root = HelpDocsTests.FindRepoRoot();
        string launcher = Path.Combine(root, "rtcbench");
        var env = new Dictionary<string, string> { ["RTCBENCH_CONFIGURATION"] = "Debug" }; // the build the tests just made

        var quickstart = await RunAsync(launcher, root, env, "quickstart", "--json", "--count", "3", "--warmup", "0", "--interval", "5ms", "--no-store");

        Assert.True(quickstart.ExitCode == 0, quickstart.Stderr);
        var lines = quickstart.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // udp, direct reliable, direct lossy: one JSON document each, nothing else
        Assert.All(lines, l => Assert.Equal("rtcbench.run/1", JsonDocument.Parse(l).RootElement.GetProperty("schema").GetString()));
        Assert.Contains("rtcbench: starting a local echo agent", quickstart.Stderr, StringComparison.Ordinal);
        Assert.Contains("rtcbench: joining direct", quickstart.Stderr, StringComparison.Ordinal);

        var usage = await RunAsync(launcher, root, env, "run", "--count", "abc");

        Assert.Equal(2, usage.ExitCode);
        Assert.Equal("", usage.Stdout);
        Assert.Equal("rtcbench: error: --count: 'abc' is not a whole number; give one from 1 to 10000000\n", usage.Stderr);

        // Hints name the program as it was started: ./rtcbench from the clone (as the README says), the full path
        // when started by one; --help says rtcbench whatever the launcher was called (docs/cli.md is generated from it).
        var relative = await RunAsync("/bin/bash", root, env, "-c", "./rtcbench run");
        Assert.Equal(2, relative.ExitCode);
        Assert.Equal("rtcbench: error: --agent is required (or set RTCBENCH_AGENT_URL); to try it all locally run: ./rtcbench quickstart\n", relative.Stderr);

        var absolute = await RunAsync(launcher, root, env, "results", "lsit");
        Assert.Equal(2, absolute.ExitCode);
        Assert.Contains($"for `{InvokedAs.Name(launcher)} results`", absolute.Stderr, StringComparison.Ordinal);

        var help = await RunAsync("/bin/bash", root, env, "-c", "./rtcbench --help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Start here:  rtcbench quickstart", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("./rtcbench", help.Stdout, StringComparison.Ordinal);
    }

    private string CopyLauncherWithStubProject(string program)
    {
        string project = Path.Combine(_dir, "src", "RtcBench.Cli");
        Directory.CreateDirectory(project);
        string launcher = Path.Combine(_dir, "rtcbench");
        File.Copy(Path.Combine(HelpDocsTests.FindRepoRoot(), "rtcbench"), launcher);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        File.WriteAllText(Path.Combine(project, "RtcBench.Cli.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <AssemblyName>rtcbench</AssemblyName>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <!-- What a process started by the build inherits (MSBuild's worker nodes, which outlive it, do too). -->
              <Target Name="RecordInheritedFds" AfterTargets="Build">
                <Exec Command="ls /proc/self/fd &gt; build-fds.txt" />
              </Target>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), program);
        return launcher;
    }

    /// <summary>Writes a source with a modification time clearly after the launcher's last build stamp.</summary>
    private async Task WriteNewerThanStampAsync(string path, string text)
    {
        await File.WriteAllTextAsync(path, text);
        string stamp = Path.Combine(_dir, "src", "RtcBench.Cli", "obj", "rtcbench-launcher-Release.stamp");
        var after = File.GetLastWriteTimeUtc(stamp).AddSeconds(2);
        if (File.GetLastWriteTimeUtc(path) < after)
        {
            File.SetLastWriteTimeUtc(path, after);
        }
    }

    private static Task<CliResult> RunAsync(string launcher, string workDir, params string[] args) =>
        RunAsync(launcher, workDir, new Dictionary<string, string>(), args);

    private static async Task<CliResult> RunAsync(string launcher, string workDir, Dictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo(launcher)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // `dotnet test` sets MSBuild variables for its own build; the launcher's build must not inherit them.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
