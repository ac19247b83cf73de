using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RtcBench.Rtc.Stun;

namespace RtcBench.Bench;

/// <summary>
/// A real coturn (<c>/usr/bin/turnserver</c>) for the <c>relay</c> benchmark, started as a child process on free
/// loopback ports with the same flags as the tests' <c>CoturnServer</c> (long-term credentials
/// <see cref="Username"/>:<see cref="Password"/> in realm <see cref="Realm"/>, relaying on 127.0.0.1, loopback peers
/// allowed, UDP only). Ready once it answers a STUN Binding request; <see cref="Dispose"/> kills it and removes its
/// temporary directory (call it in a <c>finally</c>/<c>using</c> so a failed run does not leave it behind).
/// </summary>
internal sealed class CoturnProcess : IDisposable
{
    public const string Username = "bench";
    public const string Password = "bench-pass";
    public const string Realm = "rtcbench";
    public const int RelayPorts = 32;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly StringBuilder _output = new();
    private readonly Process _process;
    private readonly string _directory;

    private CoturnProcess(Process process, string directory, IPEndPoint endpoint, int minRelayPort)
    {
        _process = process;
        _directory = directory;
        Endpoint = endpoint;
        MinRelayPort = minRelayPort;
    }

    public IPEndPoint Endpoint { get; }

    public int MinRelayPort { get; }

    public int MaxRelayPort => MinRelayPort + RelayPorts - 1;

    /// <summary>The ICE server a peer connection is given to use this coturn.</summary>
    public string TurnUrl => $"turn:{Endpoint.Address}:{Endpoint.Port}?transport=udp";

    /// <summary>The version line coturn printed at start (for the report), or "unknown".</summary>
    public string Version
    {
        get
        {
            string output = Output;
            int i = output.IndexOf("Version Coturn-", StringComparison.Ordinal);
            return i < 0 ? "unknown" : output[(i + "Version ".Length)..].Split('\n', 2)[0].Trim();
        }
    }

    /// <summary>What the server printed so far (for failure messages), at most ~200 KB.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static CoturnProcess Start(string binary = "/usr/bin/turnserver")
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} not found: the relay benchmark needs coturn (Debian package coturn).");
        }
        var endpoint = new IPEndPoint(IPAddress.Loopback, FreeUdpPort());
        int minRelayPort = FreeUdpRange(RelayPorts);
        string directory = Directory.CreateTempSubdirectory("rtcbench-bench-coturn-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
                 {
                     "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                     $"--listening-port={endpoint.Port}", $"--min-port={minRelayPort}", $"--max-port={minRelayPort + RelayPorts - 1}",
                     "--lt-cred-mech", $"--user={Username}:{Password}", $"--realm={Realm}",
                     "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--no-tcp-relay",
                     "--log-file=stdout", "--simple-log",
                     $"--pidfile={Path.Combine(directory, "turnserver.pid")}",
                     $"--db={Path.Combine(directory, "turndb")}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("turnserver did not start.");
        var coturn = new CoturnProcess(process, directory, endpoint, minRelayPort);
        process.OutputDataReceived += (_, e) => coturn.Append(e.Data);
        process.ErrorDataReceived += (_, e) => coturn.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            coturn.WaitUntilAnswering();
        }
        catch
        {
            coturn.Dispose();
            throw;
        }
        return coturn;
    }

    /// <summary>CPU time coturn has used so far (user + system), in seconds; NaN once it is gone.</summary>
    public double TotalProcessorSeconds()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? double.NaN : _process.TotalProcessorTime.TotalSeconds;
        }
        catch (InvalidOperationException)
        {
            return double.NaN;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>Sends Binding requests until one is answered (each attempt waits 250 ms for its answer).</summary>
    private void WaitUntilAnswering()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.ReceiveTimeout = 250;
        var buffer = new byte[1500];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"turnserver exited with {_process.ExitCode}:\n{Output}");
            }
            var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.New());
            var id = writer.TransactionId;
            socket.SendTo(writer.ToArray(), Endpoint);
            try
            {
                while (true)
                {
                    int n = socket.Receive(buffer);
                    if (StunMessageReader.TryRead(buffer.AsSpan(0, n), out var answer) && answer.TransactionId == id && answer.Class == StunClass.SuccessResponse)
                    {
                        return;
                    }
                }
            }
            catch (SocketException)
            {
                // Timed out (not listening yet, or the datagram was lost), or ICMP port unreachable: ask again.
            }
        }
        throw new TimeoutException($"turnserver did not answer a Binding request within {StartTimeout}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Length < 200_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A run of <paramref name="count"/> UDP ports that are free on 127.0.0.1 right now.</summary>
    private static int FreeUdpRange(int count)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int first = Random.Shared.Next(20_000, 60_000 - count);
            var sockets = new List<Socket>();
            try
            {
                bool free = true;
                for (int port = first; port < first + count && free; port++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    sockets.Add(socket);
                    try
                    {
                        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                    }
                    catch (SocketException)
                    {
                        free = false;
                    }
                }
                if (free)
                {
                    return first;
                }
            }
            finally
            {
                foreach (var socket in sockets)
                {
                    socket.Dispose();
                }
            }
        }
        throw new InvalidOperationException("No free UDP port range for the TURN relay.");
    }
}
