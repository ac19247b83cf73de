using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// One of our <see cref="DtlsSession"/>s on a real loopback UDP socket, for talking to another implementation: a
/// receive thread feeds every datagram to the session; the session's datagrams go to <see cref="Remote"/> (given, or
/// learnt from the first datagram that arrives). Received application data is collected as text.
/// </summary>
internal sealed class UdpDtlsEndpoint : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Thread _receiver;
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource<DtlsCloseReason> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IPEndPoint? _remote;

    internal UdpDtlsEndpoint(DtlsSessionOptions options, IPEndPoint? remote = null, DtlsEngine engine = DtlsEngine.Managed)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _remote = remote;
        Session = new DtlsSession(options, Send, new DtlsSessionSettings { Engine = engine });
        Session.DataReceived += data => _received.Writer.TryWrite(Encoding.Latin1.GetString(data));
        Session.Closed += (_, reason) => _closed.TrySetResult(reason);
        _receiver = new Thread(Receive) { IsBackground = true, Name = "udp-dtls-endpoint" };
        _receiver.Start();
    }

    internal DtlsSession Session { get; }

    internal int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    internal IPEndPoint? Remote => _remote;

    /// <summary>How the connected session ended (raised once).</summary>
    internal Task<DtlsCloseReason> Closed => _closed.Task;

    /// <summary>The next piece of application data received, as Latin-1 text.</summary>
    internal ValueTask<string> ReadAsync(CancellationToken cancellationToken) => _received.Reader.ReadAsync(cancellationToken);

    public void Dispose()
    {
        Session.Dispose();
        _socket.Dispose();
        _receiver.Join(TimeSpan.FromSeconds(5));
    }

    private void Send(ReadOnlySpan<byte> datagram)
    {
        if (_remote is { } to)
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
        }
    }

    private void Receive()
    {
        var buffer = new byte[65536];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        try
        {
            while (true)
            {
                int n = _socket.ReceiveFrom(buffer, ref from);
                _remote ??= (IPEndPoint)from;
                Session.HandleDatagram(buffer.AsSpan(0, n));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The socket was closed by Dispose.
        }
    }
}
