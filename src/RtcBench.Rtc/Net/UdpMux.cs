using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace RtcBench.Rtc.Net;

/// <summary>
/// One UDP socket shared by many peer connections (the echo agent's sessions), as LiveKit's (Pion's) UDP mux and Janus
/// serve every session from one port. A receive thread (one, or with SO_REUSEPORT one per socket on the same port: see
/// the constructor) reads the clock the moment <c>ReceiveFrom</c> returns and routes the datagram to one
/// <see cref="UdpMuxSession"/>:
/// <list type="bullet">
/// <item>a STUN request carrying USERNAME goes to the session whose local ufrag is its first part (before ':'), wherever
/// it comes from: the first check of a new session, consent checks, a peer that moved;</item>
/// <item>everything else (DTLS, STUN responses and indications) by its source address, learnt when a session
/// <see cref="UdpMuxSession.Claim">claims</see> it: before it sends an ICE check or a successful check response there
/// (a response means the request passed MESSAGE-INTEGRITY with the session's password). The latest claim wins.</item>
/// </list>
/// Unknown ufrags and sources are dropped and counted (<see cref="DroppedUnknown"/>), as are first bytes no session
/// protocol uses and TURN ChannelData (<see cref="DroppedOther"/>: a shared socket does no TURN). Removing a session
/// frees its ufrag and routes. The receive path allocates nothing in steady state: one reused buffer and
/// <see cref="SocketAddress"/>, lookups by that address and by the ufrag's characters on the stack, and each route
/// keeps the <see cref="IPEndPoint"/> handed to the session. Sending is thread-safe, never throws for network errors.
/// </summary>
public sealed class UdpMux : IDisposable
{
    /// <summary>Routes one session may hold; a further claim replaces its oldest.</summary>
    public const int MaxRoutesPerSession = 16;

    private readonly Socket[] _sockets;
    private readonly Socket _socket;
    private readonly Func<long> _clock;
    private readonly Thread[] _threads;
    private readonly object _lock = new();
    private readonly ConcurrentDictionary<string, UdpMuxSession> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UdpMuxSession>.AlternateLookup<ReadOnlySpan<char>> _ufragLookup;
    private readonly ConcurrentDictionary<SocketAddress, UdpMuxRoute> _byAddress = new();
    private volatile bool _disposed;
    private long _received;
    private long _sent;
    private long _droppedUnknown;
    private long _droppedOther;
    private long _receiveErrors;
    private long _sendErrors;

    /// <param name="bind">Local address and port (port 0: any free port). A concrete address: it is the sessions' host candidate.</param>
    /// <param name="clock">Monotonic ns, the scale of <c>RtcBench.Core.Timing.MonoTime.NowNs()</c>; the sessions' receive times.</param>
    /// <param name="threadName">Name of the receive threads, for diagnostics.</param>
    /// <param name="receiveThreads">
    /// Receive threads, 1..64 (the agent: one per core). Above 1, on Linux, that many sockets share the port
    /// (SO_REUSEPORT): the kernel hashes each remote address and port to one of them, so one peer's datagrams stay on
    /// one thread, in order, while different peers are received in parallel. Elsewhere: 1.
    /// </param>
    public UdpMux(IPEndPoint bind, Func<long> clock, string threadName = "rtc-mux-receive", int receiveThreads = 1)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(receiveThreads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(receiveThreads, 64);
        _clock = clock;
        _ufragLookup = _byUfrag.GetAlternateLookup<ReadOnlySpan<char>>();
        int count = OperatingSystem.IsLinux() ? receiveThreads : 1;
        _sockets = new Socket[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                var socket = _sockets[i] = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                socket.ReceiveBufferSize = (4 << 20) / count;
                if (count > 1)
                {
                    socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
                }

                // The first binds (perhaps to any free port); the others join it on the port it got.
                socket.Bind(i == 0 ? bind : new IPEndPoint(bind.Address, ((IPEndPoint)_sockets[0].LocalEndPoint!).Port));
            }
        }
        catch
        {
            foreach (var socket in _sockets)
            {
                socket?.Dispose();
            }

            throw;
        }

        _socket = _sockets[0];
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _threads = new Thread[count];
        for (int i = 0; i < count; i++)
        {
            var socket = _sockets[i];
            _threads[i] = new Thread(() => ReceiveLoop(socket)) { IsBackground = true, Name = threadName, Priority = ThreadPriority.AboveNormal };
            _threads[i].Start();
        }
    }

    private const int SolSocket = 1;   // Linux SOL_SOCKET
    private const int SoReusePort = 15; // Linux SO_REUSEPORT

    /// <summary>Receive threads (and sockets on the shared port).</summary>
    public int ReceiveThreads => _threads.Length;

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Sessions registered now.</summary>
    public int Sessions => _byUfrag.Count;

    /// <summary>Remote addresses routed now.</summary>
    public int Routes => _byAddress.Count;

    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Datagrams no session owns: a STUN request for an unknown ufrag, anything else from an unclaimed source.</summary>
    public long DroppedUnknown => Interlocked.Read(ref _droppedUnknown);

    /// <summary>Datagrams that are neither STUN nor DTLS (TURN ChannelData included: no TURN here), or too long.</summary>
    public long DroppedOther => Interlocked.Read(ref _droppedOther);

    /// <summary>Socket receive errors and exceptions thrown by session handlers (the thread goes on).</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>Bytes allocated by the receive thread, sampled after each datagram (for the zero-allocation test; one thread).</summary>
    internal long ReceiveThreadAllocatedBytes { get; private set; }

    /// <summary>Whether every receive thread has ended (after <see cref="Dispose"/>).</summary>
    internal bool ReceiveThreadsEnded => Array.TrueForAll(_threads, t => !t.IsAlive);

    /// <summary>More than one receive thread: a session's handler calls are serialised (its remotes may hash apart).</summary>
    internal bool Parallel => _threads.Length > 1;

    /// <summary>
    /// Registers a session whose STUN requests carry <paramref name="localUfrag"/> (ours, the first part of USERNAME).
    /// False when another session has that ufrag (generate another). Throws <see cref="ObjectDisposedException"/> once
    /// the mux is disposed.
    /// </summary>
    public bool TryRegister(string localUfrag, IRtcDatagramHandler handler, out UdpMuxSession session) =>
        TryRegister(localUfrag, handler, serialized: false, out session);

    /// <summary>
    /// As <see cref="TryRegister(string, IRtcDatagramHandler, out UdpMuxSession)"/>; <paramref name="serialized"/>: the
    /// handler holds a lock of its own around each call, so the session takes none (with several receive threads it
    /// otherwise does, to hand the handler one datagram at a time).
    /// </summary>
    internal bool TryRegister(string localUfrag, IRtcDatagramHandler handler, bool serialized, out UdpMuxSession session)
    {
        ArgumentException.ThrowIfNullOrEmpty(localUfrag);
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var created = new UdpMuxSession(this, localUfrag, handler, serialized);
        if (!_byUfrag.TryAdd(localUfrag, created))
        {
            session = null!;
            return false;
        }

        session = created;
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        foreach (var thread in _threads)
        {
            if (Thread.CurrentThread != thread)
            {
                thread.Join(TimeSpan.FromSeconds(5));
            }
        }
    }

    internal bool IsDisposed => _disposed;

    /// <summary>One datagram to a serialised address. False (counted) on a network error or after Dispose.</summary>
    internal bool SendTo(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (_disposed)
        {
            return false;
        }

        try
        {
            _socket.SendTo(datagram, SocketFlags.None, destination);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently.
        }

        return false;
    }

    /// <summary>Routes datagrams from <paramref name="remote"/> to <paramref name="session"/> (see the class summary).</summary>
    internal void Claim(UdpMuxSession session, IPEndPoint remote)
    {
        if (session.Owns(remote))
        {
            return; // Consent responses to the same peer every few seconds: no lock, no allocation.
        }

        lock (_lock)
        {
            if (session.IsRemoved || _disposed || session.Owns(remote))
            {
                return;
            }

            var address = remote.Serialize();
            var route = new UdpMuxRoute(session, new IPEndPoint(remote.Address, remote.Port), address);
            if (_byAddress.TryGetValue(address, out var previous))
            {
                previous.Session.RemoveRoute(previous); // The latest claim wins: the peer is another session's now.
            }

            _byAddress[address] = route;

            if (session.AddRoute(route) is { } evicted)
            {
                Forget(evicted);
            }
        }
    }

    /// <summary>Frees the session's ufrag and routes; later datagrams for it count as unknown.</summary>
    internal void Remove(UdpMuxSession session)
    {
        lock (_lock)
        {
            _byUfrag.TryRemove(new KeyValuePair<string, UdpMuxSession>(session.LocalUfrag, session));
            foreach (var route in session.RemoveAll())
            {
                Forget(route);
            }
        }
    }

    /// <summary>Under the lock: drops a route (only if it is still the one there).</summary>
    private void Forget(UdpMuxRoute route) =>
        _byAddress.TryRemove(new KeyValuePair<SocketAddress, UdpMuxRoute>(route.Address, route));

    private void ReceiveLoop(Socket socket)
    {
        var buffer = new byte[RtcUdpSocket.MaxDatagram];
        var address = new SocketAddress(socket.AddressFamily);
        var template = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        Span<char> ufrag = stackalloc char[IceUfragMaxLength];
        while (!_disposed)
        {
            int length;
            try
            {
                length = socket.ReceiveFrom(buffer, SocketFlags.None, address);
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
            Interlocked.Increment(ref _received);
            Route(buffer.AsSpan(0, length), address, template, ufrag, receivedNs);
            ReceiveThreadAllocatedBytes = GC.GetAllocatedBytesForCurrentThread();
        }
    }

    private void Route(ReadOnlySpan<byte> datagram, SocketAddress from, IPEndPoint template, Span<char> ufrag, long receivedNs)
    {
        var kind = RtcDemux.Classify(datagram);
        if (kind is not (RtcPacketKind.Stun or RtcPacketKind.Dtls) || datagram.Length >= RtcUdpSocket.MaxDatagram)
        {
            Interlocked.Increment(ref _droppedOther);
            return;
        }

        UdpMuxSession? session;
        IPEndPoint endpoint;
        if (kind == RtcPacketKind.Stun && TryReadRequestUfrag(datagram, ufrag, out int ufragLength))
        {
            if (!_ufragLookup.TryGetValue(ufrag[..ufragLength], out session))
            {
                Interlocked.Increment(ref _droppedUnknown);
                return;
            }

            // A known source keeps its endpoint object; only a session's first check from a new address allocates one.
            endpoint = _byAddress.TryGetValue(from, out var known) ? known.EndPoint : (IPEndPoint)template.Create(from);
        }
        else if (_byAddress.TryGetValue(from, out var route))
        {
            session = route.Session;
            endpoint = route.EndPoint;
        }
        else
        {
            Interlocked.Increment(ref _droppedUnknown);
            return;
        }

        try
        {
            session.OnReceived(kind, datagram, endpoint, receivedNs);
        }
        catch (Exception)
        {
            // A defect in one session's handler must not stop every session's receive thread.
            Interlocked.Increment(ref _receiveErrors);
        }
    }

    /// <summary>RFC 8445 §5.3: a ufrag is at most 256 characters (ice-chars, ASCII).</summary>
    private const int IceUfragMaxLength = 256;

    private const ushort StunUsername = 0x0006;
    private const uint StunMagicCookie = 0x2112A442;

    /// <summary>
    /// The local ufrag of a STUN request's USERNAME (RFC 8445 §7.2.2: "local:remote" from the receiver's view), as ASCII
    /// characters into <paramref name="ufrag"/>. False for responses and indications, a request without USERNAME, or one
    /// whose USERNAME has no ':' or is not ASCII: those are routed by source address.
    /// </summary>
    internal static bool TryReadRequestUfrag(ReadOnlySpan<byte> datagram, Span<char> ufrag, out int length)
    {
        length = 0;
        if (datagram.Length < 20 || (datagram[0] & 0xC0) != 0)
        {
            return false;
        }

        ushort type = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        int messageLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if ((type & 0x0110) != 0 || BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != StunMagicCookie || 20 + messageLength > datagram.Length)
        {
            return false; // Not a request (class bits C1 C0 = 00), or not STUN.
        }

        var attributes = datagram.Slice(20, messageLength);
        while (attributes.Length >= 4)
        {
            ushort attributeType = BinaryPrimitives.ReadUInt16BigEndian(attributes);
            int attributeLength = BinaryPrimitives.ReadUInt16BigEndian(attributes[2..]);
            if (4 + attributeLength > attributes.Length)
            {
                return false;
            }

            if (attributeType == StunUsername)
            {
                var value = attributes.Slice(4, attributeLength);
                int colon = value.IndexOf((byte)':');
                if (colon <= 0 || colon > ufrag.Length)
                {
                    return false;
                }

                for (int i = 0; i < colon; i++)
                {
                    if (value[i] >= 0x80)
                    {
                        return false;
                    }

                    ufrag[i] = (char)value[i];
                }

                length = colon;
                return true;
            }

            int padded = 4 + ((attributeLength + 3) & ~3);
            attributes = attributes[Math.Min(padded, attributes.Length)..];
        }

        return false;
    }
}

/// <summary>A remote address routed to one session, with the endpoint object the session is given for it.</summary>
internal sealed class UdpMuxRoute(UdpMuxSession session, IPEndPoint endPoint, SocketAddress address)
{
    public UdpMuxSession Session { get; } = session;

    public IPEndPoint EndPoint { get; } = endPoint;

    /// <summary>The dictionary key and the send target: never mutated.</summary>
    public SocketAddress Address { get; } = address;
}
