using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RtcBench.Rtc.Stun;

namespace RtcBench.Testing;

/// <summary>
/// A real coturn (Debian <c>coturn</c>, <c>turnserver</c> 4.6) as a child process on free UDP ports of one local
/// address (loopback, or e.g. the root side of a test network namespace): long-term credentials
/// <see cref="Username"/>:<see cref="Password"/> in realm <see cref="Realm"/>, relaying on the same address with
/// loopback peers allowed, UDP only. Ready once it answers a STUN Binding request; <see cref="Dispose"/> kills it and
/// removes its temporary directory. Shared (as a linked file) by the tests' <c>CoturnServer</c> fixture and the
/// <c>relay</c> benchmark, so both run coturn exactly alike.
/// </summary>
internal sealed class CoturnProcess : IDisposable
{
    public const string Username = "u";
    public const string Password = "p";
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

    /// <summary>The ICE server URL a peer connection is given to use this coturn.</summary>
    public string TurnUrl => $"turn:{Endpoint.Address}:{Endpoint.Port}?transport=udp";

    /// <summary>The version coturn printed at start (e.g. "Coturn-4.6.1 'Gorst'"), or "unknown".</summary>
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

    /// <summary>Starts coturn listening and relaying on <paramref name="address"/> and waits until it answers.</summary>
    public static async Task<CoturnProcess> StartAsync(IPAddress address)
    {
        string binary = File.Exists("/usr/bin/turnserver") ? "/usr/bin/turnserver" : "turnserver";
        var endpoint = new IPEndPoint(address, FreeUdpPort(address));
        int minRelayPort = FreeUdpRange(address, RelayPorts);
        string directory = Directory.CreateTempSubdirectory("rtcbench-coturn-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
                 {
                     "-n", $"--listening-ip={address}", $"--relay-ip={address}",
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

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("turnserver did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Directory.Delete(directory, recursive: true);
            throw new InvalidOperationException($"{binary} cannot be started ({ex.Message}): install coturn (apt-get install -y coturn).", ex);
        }

        var coturn = new CoturnProcess(process, directory, endpoint, minRelayPort);
        process.OutputDataReceived += (_, e) => coturn.Append(e.Data);
        process.ErrorDataReceived += (_, e) => coturn.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await coturn.WaitUntilAnsweringAsync();
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
            // A leftover directory in /tmp is harmless.
        }
    }

    /// <summary>Sends Binding requests until one is answered (each attempt waits 250 ms for its answer).</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(Endpoint.Address, 0));
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
            await socket.SendToAsync(writer.ToArray(), Endpoint);
            using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), attempt.Token);
                    if (StunMessageReader.TryRead(buffer.AsSpan(0, received.ReceivedBytes), out var answer)
                        && answer.TransactionId == id && answer.Class == StunClass.SuccessResponse)
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Not listening yet (or the datagram was lost): ask again.
            }
            catch (SocketException)
            {
                // ICMP port unreachable surfaces as a reset on Linux: not listening yet.
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

    private static int FreeUdpPort(IPAddress address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A run of <paramref name="count"/> UDP ports that are free on <paramref name="address"/> right now.</summary>
    private static int FreeUdpRange(IPAddress address, int count)
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
                        socket.Bind(new IPEndPoint(address, port));
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
