using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace RtcBench.Cli.Tests;

/// <summary>
/// A real <c>rtcbench agent</c> in its own process (the built rtcbench.dll next to the tests, run by the same dotnet
/// host), listening on loopback port 0. Its URL is read from its start-up line on stderr. Tests end it with a signal
/// (SIGKILL: no chance to close anything; SIGTERM: it closes its rooms) and wait for its exit.
/// </summary>
internal sealed partial class AgentProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process) => _process = process;

    public Uri BaseUrl { get; private set; } = null!;

    public int Pid => _process.Id;

    /// <summary>What the agent wrote on stderr so far (for assertion messages).</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <param name="extraArgs">More arguments for <c>rtcbench agent</c>.</param>
    /// <param name="environment">Variables to set in the agent's environment.</param>
    public static async Task<AgentProcess> StartAsync(string listen = "127.0.0.1:0", string[]? extraArgs = null, IDictionary<string, string>? environment = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "rtcbench.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the Cli test project builds it next to the tests");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "exec", dll, "agent", "--listen", listen, "--location", "agent-process-test" }.Concat(extraArgs ?? []))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment.Remove("RTCBENCH_AGENT_KEY");
        info.Environment.Remove("RTCBENCH_LOG_FORMAT");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var agent = new AgentProcess(process);
        process.ErrorDataReceived += (_, e) => agent.OnStderr(e.Data);
        process.OutputDataReceived += (_, _) => { };
        process.Exited += (_, _) => agent._listening.TrySetException(
            new InvalidOperationException($"the agent exited ({process.ExitCode}) before listening:\n{agent.Stderr}"));
        Assert.True(process.Start(), "could not start the agent process");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            agent.BaseUrl = await agent._listening.Task.WaitAsync(StartTimeout);
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
        return agent;
    }

    /// <summary>SIGKILL: the process ends at once, closing nothing (no SCTP ABORT, no DTLS close_notify).</summary>
    public async Task KillAsync()
    {
        _process.Kill(); // SIGKILL on Unix
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>SIGTERM: the agent stops the way it does on a service stop, closing its rooms.</summary>
    public async Task TerminateAsync()
    {
        Assert.Equal(0, SendSignal(_process.Id, 15));
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_stderr)
        {
            _stderr.AppendLine(line);
        }
        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:\d+/)")]
    private static partial Regex ListeningLine();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
