using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using RtcBench.Server;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Cli.Tests;

/// <summary>
/// <c>rtcbench runner --plan … --log-format json</c> as its own process against a real agent process and a real
/// results service: every stderr line is one JSON event (the agent/serve shape) with named fields. Synchronised on
/// the runner's own events, never on sleeps; stopped with SIGTERM.
/// </summary>
public sealed partial class RunnerLogFormatTests : IDisposable
{
    private static readonly TimeSpan EventGuard = TimeSpan.FromMinutes(3);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtcbench-runnerlog-" + Guid.NewGuid().ToString("N"));
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];
    private readonly System.Text.StringBuilder _stdout = new();

    public RunnerLogFormatTests() => Directory.CreateDirectory(_dir);

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Runner_WithLogFormatJson_EveryStderrLineIsOneEvent(bool viaEnvironment)
    {
        int servicePort = FreePort();
        string planFile = Path.Combine(_dir, "plan.json");
        await using var agent = await AgentProcess.StartAsync();
        await using var store = new SqliteResultStore(Path.Combine(_dir, "service.db"));
        await using var service = await ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, servicePort) }, store);
        await File.WriteAllTextAsync(planFile, $$"""
            {
              "agent": "{{agent.BaseUrl}}",
              "store": "http://127.0.0.1:{{servicePort}}",
              "location": "runner-json-test",
              "jitter": "100ms",
              "jobs": [ { "name": "fast", "schedule": "* * * * * *", "platforms": ["udp"], "count": 5, "interval": "5ms", "warmup": 0, "deadline": "500ms" } ]
            }
            """);
        string[] args = viaEnvironment ? ["runner", "--plan", planFile] : ["runner", "--plan", planFile, "--log-format", "json"];
        using var runner = Start(args, viaEnvironment ? "json" : null);

        var measured = await WaitForEventAsync(e => Event(e) == "measured", "a run measured");
        await WaitForEventAsync(e => Event(e) == "delivery" && State(e, "Detail").StartsWith("delivered 1 run(s)", StringComparison.Ordinal), "a run delivered");
        Assert.Equal(0, SendSignal(runner.Id, 15)); // SIGTERM: the runner stops as on a service stop
        await runner.WaitForExitAsync();

        string[] lines;
        lock (_all)
        {
            lines = [.. _all];
        }
        string stderr = string.Join('\n', lines);
        Assert.True(runner.ExitCode == 0, stderr);
        var events = lines.Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList(); // every line is JSON
        Assert.All(events, e => Assert.Equal("RtcBench.Runner", e.GetProperty("Category").GetString()));
        Assert.All(events, e => Assert.True(e.TryGetProperty("Timestamp", out _) && e.TryGetProperty("Message", out _), e.ToString()));
        Assert.All(events, e => Assert.False(e.GetProperty("State").TryGetProperty("Message", out _), e.ToString())); // no type name in State

        Assert.Equal("fast", State(measured, "Job"));
        string runId = State(measured, "RunId");
        Assert.NotNull(await store.GetRunAsync(runId, includePings: false, CancellationToken.None));
        Assert.Contains(runId, measured.GetProperty("Message").GetString(), StringComparison.Ordinal); // the text line, as in text mode
        Assert.Equal("ok", State(measured, "Outcome"));
        Assert.Equal(5, measured.GetProperty("State").GetProperty("Sent").GetInt32());

        var started = Assert.Single(events, e => Event(e) == "started");
        Assert.Equal(1, started.GetProperty("State").GetProperty("Jobs").GetInt32());
        var waiting = events.First(e => Event(e) == "waiting");
        Assert.Equal("fast", State(waiting, "Job"));
        Assert.True(DateTimeOffset.TryParse(State(waiting, "NextRunAt"), out _), waiting.ToString());
        Assert.Contains(events, e => Event(e) == "stopping");
        Assert.Contains(events, e => Event(e) == "stopped" && e.GetProperty("State").GetProperty("SpoolPending").GetInt32() == 0);
    }

    [Fact]
    public async Task Runner_ByDefault_TextLines()
    {
        int servicePort = FreePort();
        string planFile = Path.Combine(_dir, "plan.json");
        await File.WriteAllTextAsync(planFile, $$"""
            { "agent": "http://127.0.0.1:9", "store": "http://127.0.0.1:{{servicePort}}", "jobs": [ { "name": "slow", "schedule": "0 0 1 1 *" } ] }
            """);
        using var runner = Start(["runner", "--plan", planFile], null);

        string line = await WaitForLineAsync(l => l.Contains("status: waiting", StringComparison.Ordinal), "waiting");
        Assert.StartsWith("rtcbench runner: status: waiting; next: slow at ", line, StringComparison.Ordinal);
        Assert.Equal(0, SendSignal(runner.Id, 15));
        await runner.WaitForExitAsync();
        Assert.Equal(0, runner.ExitCode);
        lock (_all)
        {
            Assert.DoesNotContain(_all, l => l.StartsWith('{'));
            Assert.Contains("rtcbench runner: stopped; 0 run(s) wait in the spool", _all);
        }
    }

    [Fact]
    public async Task Quickstart_WithLogFormatJson_StepsAndRunsAreEventsAndStdoutKeepsTheTable()
    {
        using var process = Start(["quickstart", "--count", "3", "--warmup", "0", "--interval", "5ms", "--no-store", "--log-format", "json"], null);
        await process.WaitForExitAsync();
        string stdout = Stdout(process);

        var events = AllEvents(process);
        Assert.True(process.ExitCode == 0, string.Join('\n', _all));
        Assert.All(events, e => Assert.Equal("RtcBench.Run", e.GetProperty("Category").GetString()));
        Assert.Contains(events, e => Event(e) == "step" && e.GetProperty("Message").GetString() == "starting a local echo agent");
        Assert.Contains(events, e => Event(e) == "step" && e.GetProperty("State").TryGetProperty("AgentUrl", out _) && State(e, "AgentUrl").StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
        var finished = events.Where(e => Event(e) == "run-finished").ToList();
        Assert.Equal(3, finished.Count); // udp, direct reliable, direct lossy
        Assert.All(finished, e => Assert.Equal("ok", State(e, "Outcome")));
        Assert.All(finished, e => Assert.Equal(3, e.GetProperty("State").GetProperty("Ok").GetInt32()));
        Assert.Equal(3, events.Count(e => Event(e) == "run-started"));
        Assert.Equal("next", Event(events[^1]));
        Assert.Contains("results list", events[^1].GetProperty("Message").GetString(), StringComparison.Ordinal);
        foreach (var run in finished)
        {
            Assert.Contains(State(run, "RunId")[..8], stdout, StringComparison.Ordinal); // the human table is still on stdout
        }
    }

    [Fact]
    public async Task Run_WithLogFormatJsonAndNoAgent_TheErrorIsAJsonEventWithTheExitCode()
    {
        int port = FreePort(); // nothing listens there
        using var process = Start(["run", "--agent", $"http://127.0.0.1:{port}", "--platform", "udp", "--count", "3", "--no-store"], "json");
        await process.WaitForExitAsync();
        string stdout = Stdout(process);

        var events = AllEvents(process);
        Assert.NotEqual(0, process.ExitCode);
        Assert.Equal("", stdout);
        var error = Assert.Single(events, e => e.GetProperty("LogLevel").GetString() == "Error");
        Assert.Equal("error", Event(error));
        Assert.Equal(process.ExitCode, error.GetProperty("State").GetProperty("ExitCode").GetInt32());
        Assert.StartsWith("error: ", error.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    private string Stdout(Process process)
    {
        process.WaitForExit(); // drains the asynchronous stdout reader
        lock (_stdout)
        {
            return _stdout.ToString().Trim();
        }
    }

    /// <summary>Every stderr line of the ended process, each parsed as one JSON object (fails on any other line).</summary>
    private List<JsonElement> AllEvents(Process process)
    {
        process.WaitForExit(); // drains the asynchronous stderr reader
        lock (_all)
        {
            return _all.Where(l => l.Length > 0).Select(l =>
            {
                Assert.True(l.StartsWith('{'), $"not a JSON event: {l}\n{string.Join('\n', _all)}");
                return JsonDocument.Parse(l).RootElement.Clone();
            }).ToList();
        }
    }

    private Process Start(string[] args, string? logFormatVariable)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "rtcbench.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["RTCBENCH_HOME"] = _dir; // the spool
        info.Environment.Remove("RTCBENCH_LOG_FORMAT");
        info.Environment.Remove("RTCBENCH_STORE_TOKEN");
        info.Environment.Remove("RTCBENCH_AGENT_KEY");
        if (logFormatVariable is not null)
        {
            info.Environment["RTCBENCH_LOG_FORMAT"] = logFormatVariable;
        }
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (_all)
            {
                _all.Add(e.Data);
            }
            _lines.Writer.TryWrite(e.Data);
        };
        process.OutputDataReceived += (_, e) =>
        {
            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }
        };
        Assert.True(process.Start());
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return process;
    }

    private async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        using var guard = new CancellationTokenSource(EventGuard);
        try
        {
            while (true)
            {
                string line = await _lines.Reader.ReadAsync(guard.Token);
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            lock (_all)
            {
                Assert.Fail($"the runner never said: {what}; stderr:\n{string.Join('\n', _all)}");
            }
            throw;
        }
    }

    private async Task<JsonElement> WaitForEventAsync(Func<JsonElement, bool> match, string what)
    {
        string line = await WaitForLineAsync(l =>
        {
            Assert.True(l.StartsWith('{'), $"not a JSON event: {l}");
            return match(JsonDocument.Parse(l).RootElement);
        }, what);
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    private static string? Event(JsonElement e) => e.GetProperty("State").GetProperty("Event").GetString();

    private static string State(JsonElement e, string name) => e.GetProperty("State").GetProperty(name).ToString();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
