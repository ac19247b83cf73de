using System.Net;
using System.Net.Sockets;

namespace RtcBench.Rtc.Net;

/// <summary>
/// The I/O shell under one peer connection: a UDP socket and a dedicated receive thread that reads the clock the
/// moment <c>ReceiveFrom</c> returns, then demultiplexes by first byte (<see cref="RtcDemux"/>): STUN and DTLS go to
/// the handler, anything else is dropped and counted. Sending is thread-safe and never throws for network errors
/// (they are counted: loss is what we measure). The receive path allocates nothing in steady state: the source
/// endpoint object is reused while the source stays the same.
/// </summary>
public sealed class RtcUdpSocket : IPeerSocket
{
    /// <summary>Larger than any datagram we accept (DTLS receive limit 1500); longer ones are truncated and dropped.</summary>
    public const int MaxDatagram = 2048;

    private readonly Socket _socket;
    private readonly Func<long> _clock;
    private readonly IRtcDatagramHandler _handler;
    private readonly Thread _thread;
    private volatile bool _disposed;
    private SendTarget? _lastTarget;
    private long _received;
    private long _droppedOther;
    private long _receiveErrors;
    private long _sendErrors;
    private long _sent;

    /// <param name="bind">Local address and port (port 0: any free port).</param>
    /// <param name="clock">Monotonic ns, the scale of <c>RtcBench.Core.Timing.MonoTime.NowNs()</c>.</param>
    /// <param name="handler">Gets STUN and DTLS datagrams on the receive thread.</param>
    /// <param name="threadName">Name of the receive thread, for diagnostics.</param>
    public RtcUdpSocket(IPEndPoint bind, Func<long> clock, IRtcDatagramHandler handler, string threadName = "rtc-udp-receive")
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(handler);
        _clock = clock;
        _handler = handler;
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.ReceiveBufferSize = 1 << 20;
            _socket.Bind(bind);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = threadName, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public IPEndPoint LocalEndPoint { get; }

    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Datagrams whose first byte is neither STUN nor DTLS nor expected ChannelData (or that were too long).</summary>
    public long DroppedOther => Interlocked.Read(ref _droppedOther);

    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>Bytes allocated by the receive thread, sampled after each datagram (for the zero-allocation test).</summary>
    internal long ReceiveThreadAllocatedBytes { get; private set; }

    /// <summary>Sends one datagram. Thread-safe. Network errors are counted, never thrown; after Dispose it is a no-op.</summary>
    public void SendTo(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_disposed)
        {
            return;
        }

        // SendTo(EndPoint) serialises the endpoint into a new SocketAddress on every call: keep the last one (a
        // session sends to one remote) and use the SocketAddress overload, which allocates nothing.
        var target = Volatile.Read(ref _lastTarget);
        if (target is null || !target.EndPoint.Equals(destination))
        {
            target = new SendTarget(new IPEndPoint(destination.Address, destination.Port), destination.Serialize());
            Volatile.Write(ref _lastTarget, target);
        }

        try
        {
            _socket.SendTo(datagram, SocketFlags.None, target.Address);
            Interlocked.Increment(ref _sent);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently.
        }
    }

    /// <summary>Every datagram on this socket is the one session's: nothing to route.</summary>
    void IPeerSocket.Claim(IPEndPoint remote)
    {
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // Closing the socket ends the receive thread's read at once; the thread then sees _disposed and ends. No join:
        // the caller may hold a lock the thread's current handler call is waiting for (PeerConnection disposes its
        // socket under its own lock), and joining then waited out the whole join timeout: 5 s per closed session
        // whenever a datagram was being handled, so closing 100 benchmark sessions took minutes. A handler call already
        // under way (or one for a datagram read just before) may still run after Dispose returns; handlers check their
        // own state (PeerConnection: released).
        _disposed = true;
        _socket.Dispose();
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[MaxDatagram];
        var address = new SocketAddress(_socket.AddressFamily);
        var lastAddress = new SocketAddress(_socket.AddressFamily);
        IPEndPoint? lastEndpoint = null;
        var template = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_disposed)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, address);
            }
            catch (SocketException) when (!_disposed)
            {
                // ICMP errors from earlier sends, truncated datagrams: neither may stop the loop.
                Interlocked.Increment(ref _receiveErrors);
                continue;
            }
            catch (Exception) when (_disposed)
            {
                return;
            }

            long receivedNs = _clock();
            if (_disposed)
            {
                return;
            }

            Interlocked.Increment(ref _received);
            if (lastEndpoint is null || !address.Equals(lastAddress))
            {
                lastEndpoint = (IPEndPoint)template.Create(address);
                address.Buffer.CopyTo(lastAddress.Buffer);
                lastAddress.Size = address.Size;
            }

            Dispatch(buffer.AsSpan(0, length), lastEndpoint, receivedNs);
            ReceiveThreadAllocatedBytes = GC.GetAllocatedBytesForCurrentThread();
        }
    }

    private void Dispatch(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
    {
        try
        {
            switch (RtcDemux.Classify(datagram))
            {
                case RtcPacketKind.Stun:
                    _handler.OnStun(datagram, from, receivedNs);
                    break;
                case RtcPacketKind.Dtls:
                    _handler.OnDtls(datagram, from, receivedNs);
                    break;
                case RtcPacketKind.TurnChannel when _handler.OnChannelData(datagram, from, receivedNs):
                    break;
                default:
                    Interlocked.Increment(ref _droppedOther);
                    break;
            }
        }
        catch (Exception)
        {
            // A defect in a handler must not kill the receive thread (and with it the session's transport).
            Interlocked.Increment(ref _receiveErrors);
        }
    }

    /// <summary>An endpoint and its serialised form, published together (immutable once shared).</summary>
    private sealed record SendTarget(IPEndPoint EndPoint, SocketAddress Address);
}
