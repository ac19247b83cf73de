using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace RtcBench.LiveKit.Tests.Auth;

/// <summary>
/// Runs a script of tests/RtcBench.LiveKit.Tests/node (LiveKit's own npm packages) with <c>node</c>: arguments as an
/// argument list (no shell), data, secrets included, as JSON on stdin. The build restores node_modules with npm ci.
/// </summary>
internal static class NodeScripts
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string Directory { get; } =
        typeof(NodeScripts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "LiveKitNodeDir").Value
        ?? throw new InvalidOperationException("The test assembly has no LiveKitNodeDir metadata.");

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    /// <summary>Runs the script and returns its exit code and output.</summary>
    public static async Task<Result> RunAsync(string script, string stdinJson)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(Directory, script));

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(stdinJson.AsMemory(), timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            return new Result(process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within {Timeout.TotalSeconds} s");
        }
    }

    /// <summary>Runs the script and returns its stdout; fails with its stderr when it exits non-zero.</summary>
    public static async Task<string> RunOkAsync(string script, string stdinJson)
    {
        var result = await RunAsync(script, stdinJson);
        Assert.True(result.ExitCode == 0, $"node {script} exited {result.ExitCode}: {result.StandardError}");
        return result.StandardOutput;
    }
}
