using System.Net;
using System.Net.Sockets;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms.Udp;

namespace RtcBench.Runner.Tests;

/// <summary>
/// A minimal real UDP echo for runner-side tests: answers framed pings with framed pongs on loopback, with a
/// switch to stay silent (so readiness can fail) and one to answer with a foreign room id.
/// </summary>
internal sealed class RawUdpEcho : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly Thread _thread;
    private readonly MonoTime _clock = MonoTime.System;
    private readonly double _anchor;
    private volatile bool _stopped;

    public RawUdpEcho()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _anchor = _clock.WallAnchorUs();
        _thread = new Thread(Loop) { IsBackground = true, Name = "raw-udp-echo" };
        _thread.Start();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_socket.LocalEndPoint!;

    public Guid Room { get; } = Guid.NewGuid();

    public byte[] Token { get; } = UdpFrame.NewToken();

    /// <summary>When true, every datagram is swallowed.</summary>
    public volatile bool Silent;

    /// <summary>When true, pongs carry another room id (the runner must drop them).</summary>
    public volatile bool WrongRoom;

    private void Loop()
    {
        var buffer = new byte[UdpFrame.MaxDatagram];
        var reply = new byte[UdpFrame.MaxDatagram];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopped)
        {
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, ref from);
            }
            catch (SocketException)
            {
                if (_stopped)
                {
                    return;
                }
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            long rx = _clock.NowNs();
            if (Silent || !UdpFrame.TryReadHeader(buffer.AsSpan(0, n), out _, out var room, out _, out var payload)
                || !PingCodec.TryReadPing(payload, out var ping))
            {
                continue;
            }
            UdpFrame.WriteHeader(reply, UdpFrame.TypeFromEcho, WrongRoom ? Guid.NewGuid() : room, Token);
            int length = PingCodec.WritePong(reply.AsSpan(UdpFrame.HeaderLength), ping, rx, _clock.NowNs(), _anchor);
            try
            {
                _socket.SendTo(reply, 0, UdpFrame.HeaderLength + length, SocketFlags.None, from);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                // Disposed while answering (test ending) or an ICMP error: neither may crash the test host.
                if (_stopped)
                {
                    return;
                }
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
