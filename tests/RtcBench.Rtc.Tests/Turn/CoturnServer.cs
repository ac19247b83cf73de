using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Turn;

/// <summary>
/// A real coturn (Debian <c>coturn</c>, <c>turnserver</c> 4.6) started by the tests as a child process on a free
/// loopback port (or on <see cref="ListenAddress"/>, e.g. the root side of a test network namespace), long-term
/// credentials <see cref="Username"/>:<see cref="Password"/> in realm <see cref="Realm"/>, relaying on the same address
/// with loopback peers allowed. Ready once it answers a STUN Binding request; killed at the end.
/// </summary>
public sealed class CoturnServer : IAsyncLifetime
{
    public const string Username = "u";
    public const string Password = "p";
    public const string Realm = "rtcbench";
    public const int RelayPorts = 32;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _directory;

    /// <summary>Where coturn listens and relays (set before <see cref="InitializeAsync"/>); loopback by default.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    public IPEndPoint Endpoint { get; private set; } = new(IPAddress.Loopback, 0);

    public int MinRelayPort { get; private set; }

    public int MaxRelayPort => MinRelayPort + RelayPorts - 1;

    /// <summary>What the server printed so far (for failure messages).</summary>
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

    public async Task InitializeAsync()
    {
        string binary = File.Exists("/usr/bin/turnserver") ? "/usr/bin/turnserver" : "turnserver";
        Endpoint = new IPEndPoint(ListenAddress, FreeUdpPort());
        MinRelayPort = FreeUdpRange(RelayPorts);
        _directory = Directory.CreateTempSubdirectory("rtcbench-coturn-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
                 {
                     "-n", $"--listening-ip={ListenAddress}", $"--relay-ip={ListenAddress}",
                     $"--listening-port={Endpoint.Port}", $"--min-port={MinRelayPort}", $"--max-port={MaxRelayPort}",
                     "--lt-cred-mech", $"--user={Username}:{Password}", $"--realm={Realm}",
                     "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--no-tcp-relay",
                     "--log-file=stdout", "--simple-log",
                     $"--pidfile={Path.Combine(_directory, "turnserver.pid")}",
                     $"--db={Path.Combine(_directory, "turndb")}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("turnserver did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilAnsweringAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token);
            process.Dispose();
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Sends Binding requests until one is answered (each attempt waits 250 ms for its answer).</summary>
    private async Task WaitUntilAnsweringAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(ListenAddress, 0));
        var buffer = new byte[1500];
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process!.HasExited)
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
