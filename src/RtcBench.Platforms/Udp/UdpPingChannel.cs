using System.Net;
using System.Net.Sockets;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;

namespace RtcBench.Platforms.Udp;

/// <summary>
/// The runner's UDP channel to the echo agent: a connected UDP socket, a dedicated receive thread that takes the
/// receive timestamp the moment <c>Receive</c> returns, and an allocation-free send path that prefixes the
/// <see cref="UdpFrame"/> header. Datagrams that are not framed pongs for our room are counted and dropped.
/// </summary>
public sealed class UdpPingChannel : IPingChannel
{
    private readonly Socket _socket;
    private readonly Guid _room;
    private readonly byte[] _token;
    private readonly MonoTime _clock;
    private readonly byte[] _sendBuffer = new byte[UdpFrame.MaxDatagram];
    private readonly Lock _sendGate = new();
    private readonly Thread _receiveThread;
    private readonly IPEndPoint _remote;
    private volatile IMessageSink? _sink;
    private volatile bool _disposed;
    private long _droppedForeign;
    private long _receiveErrors;
    private long _receiveThreadAllocated;
    private long _received;

    private UdpPingChannel(Socket socket, IPEndPoint remote, Guid room, byte[] token, MonoTime clock)
    {
        _socket = socket;
        _remote = remote;
        _room = room;
        _token = token;
        _clock = clock;
        UdpFrame.WriteHeader(_sendBuffer, UdpFrame.TypeToEcho, room, token);
        _receiveThread = new Thread(ReceiveLoop)
        {
            IsBackground = true,
            Name = "rtcbench-udp-receive",
            Priority = ThreadPriority.AboveNormal,
        };
        _receiveThread.Start();
    }

    /// <summary>Opens a socket connected to the agent's UDP echo and starts receiving.</summary>
    public static UdpPingChannel Open(IPEndPoint agent, Guid room, byte[] token, MonoTime clock)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(clock);
        var socket = new Socket(agent.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = 1 << 20;
            socket.Connect(agent);
            return new UdpPingChannel(socket, agent, room, token, clock);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public string Channel => "lossy";

    public string TransportMode => "udp";

    /// <summary>Datagrams received that were not framed pongs for this room.</summary>
    public long DroppedForeign => Interlocked.Read(ref _droppedForeign);

    /// <summary>Socket errors seen by the receive loop (e.g. ICMP port unreachable); the loop keeps going.</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>Datagrams delivered to the sink.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>
    /// Bytes allocated so far by the receive thread, sampled after each delivered datagram (for the test that
    /// proves the receive path allocates nothing in steady state).
    /// </summary>
    internal long ReceiveThreadAllocatedBytes => Interlocked.Read(ref _receiveThreadAllocated);

    public PathInfo DescribePath() => new()
    {
        Transport = "udp",
        Reliability = "unreliable-unordered",
        LocalAddress = _socket.LocalEndPoint?.ToString(),
        RemoteAddress = _remote.ToString(),
    };

    public void SetSink(IMessageSink? sink) => _sink = sink;

    public void Send(ReadOnlySpan<byte> message)
    {
        if (message.Length > UdpFrame.MaxDatagram - UdpFrame.HeaderLength)
        {
            throw new ArgumentException("Message too large for a UDP frame.", nameof(message));
        }
        lock (_sendGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            message.CopyTo(_sendBuffer.AsSpan(UdpFrame.HeaderLength));
            try
            {
                _socket.Send(_sendBuffer.AsSpan(0, UdpFrame.HeaderLength + message.Length), SocketFlags.None);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                // An earlier datagram drew an ICMP "port unreachable"; this one was still handed to the kernel
                // or is lost like any datagram would be. Loss is what we measure, not an error.
            }
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[UdpFrame.MaxDatagram];
        while (!_disposed)
        {
            int length;
            try
            {
                length = _socket.Receive(buffer, SocketFlags.None);
            }
            catch (SocketException ex) when (!_disposed && ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.MessageSize)
            {
                Interlocked.Increment(ref _receiveErrors);
                continue;
            }
            catch (Exception) when (_disposed)
            {
                return;
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _receiveErrors);
                return;
            }
            long receivedNs = _clock.NowNs();
            Deliver(buffer.AsSpan(0, length), receivedNs);
            Interlocked.Exchange(ref _receiveThreadAllocated, GC.GetAllocatedBytesForCurrentThread());
        }
    }

    private void Deliver(ReadOnlySpan<byte> datagram, long receivedNs)
    {
        if (!UdpFrame.TryReadHeader(datagram, out byte type, out Guid room, out var token, out var payload)
            || type != UdpFrame.TypeFromEcho || room != _room || !UdpFrame.TokenEquals(token, _token))
        {
            Interlocked.Increment(ref _droppedForeign);
            return;
        }
        Interlocked.Increment(ref _received);
        _sink?.OnMessage(payload, receivedNs);
    }

    public ValueTask DisposeAsync()
    {
        lock (_sendGate)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }
            _disposed = true;
        }
        _socket.Dispose();
        _receiveThread.Join(TimeSpan.FromSeconds(5));
        return ValueTask.CompletedTask;
    }
}
