using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RtcBench.Deploy.Tests.Support;
using RtcBench.Storage.Sqlite;
using RtcBench.Storage.Tests;

namespace RtcBench.Deploy.Tests;

/// <summary>
/// The container image built by scripts/build-image.sh (buildah, from scratch), read back from the OCI archive it
/// writes: its config says what a runtime will do, and its root filesystem runs rtcbench — the version, a quickstart,
/// and an agent and a results service with a runner measuring through the one and delivering to the other — as the image's non-root user, in namespaces the tests create.
/// </summary>
[Collection(BuiltImageCollection.Name)]
public sealed class ContainerImageTests(BuiltImage image)
{
    private const string NonRootUser = "10001:10001";

    [Fact]
    public void Config_RunsRtcbenchAsTheNonRootUserWithItsPortsAndLabels()
    {
        Assert.Equal(1, image.LayerCount);
        Assert.Equal(("amd64", "linux"), (image.ImageConfig.GetProperty("architecture").GetString(), image.ImageConfig.GetProperty("os").GetString()));
        Assert.Equal(["/usr/local/bin/rtcbench"], image.Entrypoint);
        Assert.Equal(["--help"], image.Config.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(NonRootUser, image.User);
        Assert.Contains("rtcbench:x:10001:10001:", File.ReadAllText(image.PathInImage("/etc/passwd")), StringComparison.Ordinal);
        Assert.Equal("/var/lib/rtcbench", image.WorkingDir);
        Assert.Contains("RTCBENCH_HOME=/var/lib/rtcbench", image.Env);
        Assert.Equal(["40000/udp", "8080/tcp", "8090/tcp"], image.Config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var labels = image.Config.GetProperty("Labels");
        Assert.Equal(InstalledTool.Version, labels.GetProperty("org.opencontainers.image.version").GetString());
        Assert.Equal("rtcbench", labels.GetProperty("org.opencontainers.image.title").GetString());
    }

    [Fact]
    public async Task RootFs_HoldsTheBinaryOwnedByRootAndAStateFolderOwnedByTheUser()
    {
        Assert.Equal("0:0 755", await StatAsync("/usr/local/bin/rtcbench"));
        Assert.Equal("0:0 755", await StatAsync("/usr/local/bin/libe_sqlite3.so"));
        Assert.Equal("10001:10001 755", await StatAsync("/var/lib/rtcbench"));
        Assert.Equal("0:0 1777", await StatAsync("/tmp"));
        // What .NET opens by name at run time (the direct platform's DTLS) and the licences of what was copied in.
        Assert.True(File.Exists(image.PathInImage("/usr/lib/x86_64-linux-gnu/libssl.so.3")));
        Assert.True(File.Exists(image.PathInImage("/usr/share/doc/libc6/copyright")));
        Assert.True(File.Exists(image.PathInImage("/etc/ssl/certs/ca-certificates.crt")));
    }

    [Fact]
    public async Task Image_Run_PrintsItsVersion()
    {
        var result = await image.RunAsync(["--version"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith(InstalledTool.Version + "+", result.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_Quickstart_MeasuresUdpAndDirectAndStoresTheRunsAsTheImageUser()
    {
        var result = await image.RunAsync(["quickstart", "--count", "20", "--interval", "10ms", "--warmup", "2", "--json", "-q"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var runs = Documents(result.Stdout);
        Assert.Contains(runs, r => r.GetProperty("platform").GetString() == "udp");
        Assert.Contains(runs, r => r.GetProperty("platform").GetString() == "direct");
        Assert.All(runs, r => Assert.Equal("ok", r.GetProperty("outcome").GetProperty("status").GetString()));
        Assert.All(runs, r => Assert.Equal(20, r.GetProperty("stats").GetProperty("ok").GetInt32()));
        // The default store, in the image's state folder, written by the non-root user.
        Assert.Contains("sqlite:/var/lib/rtcbench/results.db", result.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("10001:10001 ", await StatAsync("/var/lib/rtcbench/results.db"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_AgentServiceAndRunnerInOneNetworkNamespace_MeasureUdpAndTheServiceStoresTheRun()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        string netns = "rtcbench-img-" + Guid.NewGuid().ToString("N")[..8];
        await IpAsync("netns", "add", netns);
        try
        {
            await IpAsync("-n", netns, "link", "set", "lo", "up");
            using var service = Daemon.Start(image, ["serve", "--listen", "127.0.0.1:8090", "--store", "sqlite:/var/lib/rtcbench/service.db"], netns,
                "listening on http://127.0.0.1:8090/");
            using var agent = Daemon.Start(image, ["agent", "--listen", "127.0.0.1:8080", "--udp-port", "40000"], netns,
                "listening on http://127.0.0.1:8080/ (udp 127.0.0.1:40000)");
            await service.Ready.WaitAsync(timeout.Token);
            await agent.Ready.WaitAsync(timeout.Token);

            var result = await image.RunAsync(
                ["run", "--agent", "http://127.0.0.1:8080", "--platform", "udp", "--count", "20", "--interval", "10ms", "--warmup", "2",
                 "--store", "http://127.0.0.1:8090", "--json", "-q"], netns);

            Assert.True(result.ExitCode == 0, $"{result}\n--- agent\n{agent.Log}\n--- service\n{service.Log}");
            var run = Assert.Single(Documents(result.Stdout));
            Assert.Equal(("udp", "ok", 20), (run.GetProperty("platform").GetString(), run.GetProperty("outcome").GetProperty("status").GetString(), run.GetProperty("stats").GetProperty("ok").GetInt32()));
            Assert.Contains("delivered 1 run(s) to http://127.0.0.1:8090/", result.Stderr, StringComparison.Ordinal);

            // The service wrote the run into its store in the image's state folder, as the image's user.
            service.Dispose();
            Assert.StartsWith("10001:10001 ", await StatAsync("/var/lib/rtcbench/service.db"), StringComparison.Ordinal);
            using var copy = new TempDirectory();
            foreach (var f in Directory.GetFiles(image.PathInImage("/var/lib/rtcbench"), "service.db*"))
            {
                File.Copy(f, copy.File(Path.GetFileName(f)));
            }
            await using var store = new SqliteResultStore(copy.File("service.db"));
            await store.InitializeAsync(timeout.Token);
            var stored = await store.GetRunAsync(run.GetProperty("run_id").GetString()!, includePings: false, timeout.Token);
            Assert.NotNull(stored);
            Assert.Equal(20, stored.Stats.Ok);
        }
        finally
        {
            await IpAsync("netns", "del", netns);
        }
    }

    /// <summary>A long-running rtcbench command in the image, ready once it printed <c>readyText</c>; killed on dispose.</summary>
    private sealed class Daemon : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _disposed;

        private Daemon(Process process) => _process = process;

        public Task Ready => _ready.Task;

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public static Daemon Start(BuiltImage image, IEnumerable<string> args, string netns, string readyText)
        {
            var daemon = new Daemon(image.Start(args, netns));
            daemon._process.OutputDataReceived += (_, e) => daemon.OnLine(e.Data, readyText);
            daemon._process.ErrorDataReceived += (_, e) => daemon.OnLine(e.Data, readyText);
            daemon._process.EnableRaisingEvents = true;
            daemon._process.Exited += (_, _) => daemon._ready.TrySetException(new InvalidOperationException("exited before it was ready:\n" + daemon.Log));
            daemon._process.BeginOutputReadLine();
            daemon._process.BeginErrorReadLine();
            return daemon;
        }

        private void OnLine(string? line, string readyText)
        {
            if (line is null)
            {
                return;
            }
            lock (_log)
            {
                _log.AppendLine(line);
            }
            if (line.Contains(readyText, StringComparison.Ordinal))
            {
                _ready.TrySetResult();
            }
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (!_process.HasExited)
            {
                // run-in-rootfs.sh's unshare dies and takes its namespace's processes with it (--kill-child).
                _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit();
            _process.Dispose();
        }
    }

    private static List<JsonElement> Documents(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private async Task<string> StatAsync(string absolute)
    {
        var result = await Tool.RunAsync(Tool.Find("stat"), ["-c", "%u:%g %a", image.PathInImage(absolute)]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }

    private static async Task IpAsync(params string[] args)
    {
        var result = await Tool.RunAsync(Tool.Find("ip"), args);
        Assert.True(result.ExitCode == 0, "ip " + string.Join(' ', args) + ": " + result);
    }
}
