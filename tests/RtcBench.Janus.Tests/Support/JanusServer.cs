using System.Diagnostics;
using System.Globalization;
using System.Net;
using RtcBench.Interop.Tests;
using RtcBench.Janus.Client;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// A real Janus (Debian <c>janus</c>) for one test or one test collection, started as a child process inside a
/// network namespace of its own (<see cref="Netns"/>): Janus never gathers loopback candidates (PROTOCOLS.md §2 B6),
/// so it listens and gathers on the namespace end of a veth pair (<see cref="ServerAddress"/>, 10.99.N.1) and our
/// side binds the root end (<see cref="ClientAddress"/>, 10.99.N.2): HTTP, WebSocket and WebRTC all cross the veth
/// and nothing leaves the machine. The configuration is generated (<see cref="JanusConfig"/>); Janus is ready when
/// <c>GET /janus/info</c> lists the plugins and transports asked for (polled; the only bound is a hang guard). Its
/// output goes to <see cref="LogPath"/>; <see cref="Explain"/> attaches the end of it to a failure, and the folder
/// is kept after a failure. Dispose kills Janus and removes the namespace.
/// </summary>
internal sealed class JanusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Netns _netns;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _directory;
    private int _failures;

    private JanusServer(Netns netns, Process process, StreamWriter log, string directory, JanusPorts ports, JanusSecrets secrets, JanusServerOptions options)
    {
        _netns = netns;
        _process = process;
        _log = log;
        _directory = directory;
        Ports = ports;
        Secrets = secrets;
        Options = options;
    }

    public JanusServerOptions Options { get; }

    public JanusPorts Ports { get; }

    public JanusSecrets Secrets { get; }

    /// <summary>Janus's side of the veth: its API address and its only ICE candidate.</summary>
    public IPAddress ServerAddress => _netns.NamespaceAddress;

    /// <summary>Our side of the veth: what our peer connections bind.</summary>
    public IPAddress ClientAddress => _netns.RootAddress;

    public Uri HttpUrl => new($"http://{ServerAddress}:{Ports.Http}/janus");

    public Uri WebSocketUrl => new($"ws://{ServerAddress}:{Ports.WebSocket}/");

    public Uri AdminUrl => new($"http://{ServerAddress}:{Ports.Admin}/admin");

    /// <summary>e.g. "1.1.2", from <c>/info</c>.</summary>
    public string Version { get; private set; } = "unknown";

    public string LogPath => Path.Combine(_directory, "janus.log");

    public bool HasExited => _process.HasExited;

    public Uri Url(JanusTransportKind kind) => kind == JanusTransportKind.Http ? HttpUrl : WebSocketUrl;

    /// <summary>Client options for this server over <paramref name="kind"/>, with its API secret when it has one.</summary>
    public JanusClientOptions ClientOptions(JanusTransportKind kind) => new() { Url = Url(kind), ApiSecret = Options.ApiSecret };

    public static async Task<JanusServer> StartAsync(JanusServerOptions? options = null)
    {
        options ??= new JanusServerOptions();
        // Janus's HTTP transport (libmicrohttpd) has been seen, rarely and only on a heavily loaded machine, to fail
        // to bind in a brand-new namespace; Janus then runs on without HTTP. That is the fixture failing, not the
        // code under test: start afresh (new namespace, new ports), at most three times.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(options).ConfigureAwait(false);
            }
            catch (HttpTransportNotStartedException) when (attempt < 3)
            {
            }
        }
    }

    private static async Task<JanusServer> StartOnceAsync(JanusServerOptions options)
    {
        string binary = File.Exists("/usr/bin/janus") ? "/usr/bin/janus"
            : throw new InvalidOperationException("Janus is not installed: apt-get install -y janus (scripts/test.sh does it).");
        string libraries = Directory.GetDirectories("/usr/lib", "janus", SearchOption.TopDirectoryOnly).FirstOrDefault()
            ?? Directory.GetDirectories("/usr/lib").Select(d => Path.Combine(d, "janus")).FirstOrDefault(d => Directory.Exists(Path.Combine(d, "plugins")))
            ?? throw new InvalidOperationException("Janus's plugin folder (/usr/lib/<arch>/janus/plugins) is missing: apt-get install --reinstall janus.");

        var netns = Netns.Create();
        string directory = Directory.CreateTempSubdirectory("rtcbench-janus-").FullName;
        var ports = JanusPorts.Random();
        var secrets = JanusSecrets.Generate();
        JanusConfig.Write(directory, libraries, options, ports, netns.NamespaceAddress.ToString(), secrets);
        var log = new StreamWriter(Path.Combine(directory, "janus.log")) { AutoFlush = true };
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // `ip netns exec` enters the namespace and execs Janus: the child's pid is Janus's.
        foreach (string arg in new[] { "netns", "exec", netns.Name, binary, "-C", Path.Combine(directory, "janus.jcfg"), "-F", directory, "-o" })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Could not start `ip netns exec … janus`.");
        }
        catch
        {
            log.Dispose();
            netns.Dispose();
            throw;
        }

        var server = new JanusServer(netns, process, log, directory, ports, secrets, options);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            server.MarkFailed();
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills Janus now (the failure tests' "Janus died"); the namespace stays until dispose.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
    }

    /// <summary>The last <paramref name="maxChars"/> characters of Janus's output.</summary>
    public string LogTail(int maxChars = 16_000)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            long start = Math.Max(0, stream.Length - maxChars);
            stream.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException ex)
        {
            return $"(Janus's log could not be read: {ex.Message})";
        }
    }

    /// <summary>
    /// The last <paramref name="max"/> error lines Janus logged (<c>[ERR]</c>), about handle <paramref name="handleId"/>
    /// when given (Janus prefixes them with <c>[id]</c>), without timestamps; or "no errors logged".
    /// </summary>
    public string ErrorLines(long? handleId = null, int max = 3)
    {
        string tag = handleId is long id ? $"[{id.ToString(CultureInfo.InvariantCulture)}]" : "";
        var errors = LogTail(200_000).Split('\n').Where(l => l.Contains("[ERR]", StringComparison.Ordinal) && l.Contains(tag, StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("[ERR]", StringComparison.Ordinal) + 5)..].Trim()).TakeLast(max).ToList();
        return errors.Count == 0 ? "no errors logged" : string.Join(" | ", errors);
    }

    /// <summary>
    /// <see cref="ErrorLines"/> for a failure path: Janus's log reaches us through a pipe a moment after its events,
    /// so this looks again for up to 2 s (a diagnostic wait, never on a passing path) before saying there were none.
    /// </summary>
    public async Task<string> ErrorLinesAsync(long handleId)
    {
        var waited = Stopwatch.StartNew();
        string lines = ErrorLines(handleId);
        while (lines == "no errors logged" && waited.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(100).ConfigureAwait(false);
            lines = ErrorLines(handleId);
        }

        return lines;
    }

    /// <summary>
    /// A failure message: <paramref name="what"/>, then the end of Janus's log and where the whole log is kept (the
    /// folder is not deleted once a failure was explained).
    /// </summary>
    public string Explain(string what)
    {
        MarkFailed();
        return $"{what}\n--- Janus {Version} log (kept at {LogPath}), last part ---\n{LogTail()}";
    }

    public void MarkFailed() => Interlocked.Increment(ref _failures);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // Already gone, or it would not die: the namespace goes anyway.
        }
        finally
        {
            _process.Dispose();
            _netns.Dispose();
            lock (_log)
            {
                _log.Dispose();
            }

            if (Volatile.Read(ref _failures) == 0)
            {
                try
                {
                    Directory.Delete(_directory, recursive: true);
                }
                catch (IOException)
                {
                    // A temp folder: left for the OS.
                }
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.WriteLine(line);
            }
        }
    }

    private async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        string last = "no answer yet";
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(Explain($"Janus exited with code {_process.ExitCode.ToString(CultureInfo.InvariantCulture)} before it was ready."));
            }

            if (LogTail().Contains("Couldn't start webserver", StringComparison.Ordinal))
            {
                throw new HttpTransportNotStartedException(Explain("Janus's HTTP transport could not bind its port."));
            }

            try
            {
                await using var client = await JanusClient.ConnectAsync(new JanusClientOptions { Url = HttpUrl, ApiSecret = Options.ApiSecret, RequestTimeout = TimeSpan.FromSeconds(2) }).ConfigureAwait(false);
                var info = await client.GetInfoAsync().ConfigureAwait(false);
                var missing = Options.Plugins.Select(p => $"janus.plugin.{p}").Concat(["janus.transport.http", "janus.transport.websockets"])
                    .Where(name => !info.Plugins.Contains(name) && !info.Transports.Contains(name)).ToList();
                if (missing.Count == 0 && info.AcceptingNewSessions)
                {
                    Version = info.Version;
                    return;
                }

                last = missing.Count > 0 ? "not loaded yet: " + string.Join(", ", missing) : "not accepting sessions yet";
            }
            catch (JanusException ex)
            {
                last = ex.Message;
            }

            // Polling interval while Janus loads (not a synchronisation sleep: readiness is what ends the loop).
            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new InvalidOperationException(Explain($"Janus was not ready within {StartTimeout.TotalSeconds:0} s (hang guard): {last}."));
    }

    private sealed class HttpTransportNotStartedException(string message) : InvalidOperationException(message);
}
