using System.Net;
using System.Net.Sockets;

namespace RtcBench.Bench;

/// <summary>The minimal raw UDP echo the udp platform is compared with: receive a datagram, send it back. Nothing else.</summary>
internal sealed class RawUdpEcho : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Thread _thread;
    private volatile bool _stopped;

    public RawUdpEcho()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _thread = new Thread(Loop) { IsBackground = true, Name = "raw-udp-echo", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

    private void Loop()
    {
        var buffer = new byte[65536];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stopped)
        {
            try
            {
                int n = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
                _socket.SendTo(buffer.AsSpan(0, n), SocketFlags.None, from);
            }
            catch (SocketException) when (!_stopped)
            {
            }
            catch (Exception) when (_stopped)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _socket.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
