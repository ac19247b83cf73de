using System.Net;
using RtcBench.Agent;

namespace RtcBench.Cli.Tests;

/// <summary>Runs the real <c>rtcbench</c> command line in-process with captured stdout/stderr.</summary>
internal sealed class CliHarness : IDisposable
{
    public CliHarness()
    {
        Directory.CreateDirectory(TempDir);
    }

    public string TempDir { get; } = Path.Combine(Path.GetTempPath(), "rtcbench-cli-" + Guid.NewGuid().ToString("N"));

    public string StoreSpec => "sqlite:" + Path.Combine(TempDir, "results.db");

    public Interrupts Interrupts { get; } = new();

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Hears every line the command writes on stderr, as it is written (on the writer's thread: keep it short).</summary>
    public Action<string>? OnStderrLine { get; set; }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(TimeSpan.FromMinutes(2), args);

    /// <param name="hangGuard">Fails the test if the command has not ended by then (a guard against hangs, not a bound on speed).</param>
    public async Task<CliResult> RunAsync(TimeSpan hangGuard, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new LineTapWriter(OnStderrLine);
        var ctx = new CliContext
        {
            Out = stdout,
            Error = TextWriter.Synchronized(stderr),
            Interrupts = Interrupts,
            GetEnvironment = name => Environment.TryGetValue(name, out var v) ? v : null,
        };
        int exit = await CliApp.RunAsync(args, ctx).WaitAsync(hangGuard);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }

    public static Task<RunningAgent> StartAgentAsync(Action<AgentOptions>? configure = null)
    {
        var options = new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) };
        configure?.Invoke(options);
        return AgentHost.StartAsync(options);
    }

    public void Dispose()
    {
        Interrupts.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);
