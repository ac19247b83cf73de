using System.Net;
using System.Net.Sockets;
using RtcBench.Core.Protocol;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Tests.Support;

/// <summary>A runner-side UDP socket for tests: builds framed pings and reads framed pongs, with timeouts.</summary>
internal sealed class UdpTestClient : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly IPEndPoint _server;
    private readonly byte[] _receive = new byte[65536];

    public UdpTestClient(IPEndPoint server)
    {
        _server = server;
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(server.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback, 0));
    }

    public static byte[] Frame(Guid room, byte[] token, ReadOnlySpan<byte> payload, byte type = UdpFrame.TypeToEcho)
    {
        var frame = new byte[UdpFrame.HeaderLength + payload.Length];
        UdpFrame.WriteHeader(frame, type, room, token);
        payload.CopyTo(frame.AsSpan(UdpFrame.HeaderLength));
        return frame;
    }

    /// <summary>
    /// A framed ping. A readiness probe (seq &lt; 0) without an explicit size is padded to
    /// <see cref="UdpFrame.MinProbeBytes"/>, as the runner pads it (the echo answers no probe with more bytes).
    /// </summary>
    public static byte[] Ping(Guid room, byte[] token, RunId run, long seq, long sentNs = 1_000_000, int payloadBytes = 0)
    {
        var json = new byte[PingCodec.MaxMessageBytes];
        if (seq < 0 && payloadBytes == 0)
        {
            payloadBytes = UdpFrame.MinProbeBytes;
        }
        int n = PingCodec.WritePing(json, run, seq, sentNs, payloadBytes);
        return Frame(room, token, json.AsSpan(0, n));
    }

    public void Send(byte[] datagram) => _socket.SendTo(datagram, _server);

    /// <summary>Receives one framed pong (header checked) within the timeout.</summary>
    public async Task<(Guid Room, PongFields Pong)> ReceivePongAsync()
    {
        var (room, pong, _) = await ReceivePongWithLengthAsync();
        return (room, pong);
    }

    /// <summary>Receives one framed pong and the datagram's length.</summary>
    public async Task<(Guid Room, PongFields Pong, int Length)> ReceivePongWithLengthAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var result = await _socket.ReceiveFromAsync(_receive, SocketFlags.None, _server, cts.Token);
        var datagram = _receive.AsSpan(0, result.ReceivedBytes);
        Assert.True(UdpFrame.TryReadHeader(datagram, out byte type, out Guid room, out _, out var payload), "not a UdpFrame");
        Assert.Equal(UdpFrame.TypeFromEcho, type);
        Assert.True(PingCodec.TryReadPong(payload, out var pong), "not a pong");
        return (room, pong, result.ReceivedBytes);
    }

    /// <summary>Sends a ping and returns its pong (which must be the next datagram).</summary>
    public async Task<PongFields> PingAsync(Guid room, byte[] token, RunId run, long seq, long sentNs = 1_000_000)
    {
        Send(Ping(room, token, run, seq, sentNs));
        var (_, pong) = await ReceivePongAsync();
        Assert.Equal(seq, pong.Seq);
        Assert.Equal(run, pong.RunId);
        return pong;
    }

    public void Dispose() => _socket.Dispose();
}
