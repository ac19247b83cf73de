using System.Net;

namespace RtcBench.Rtc.Net;

/// <summary>
/// One peer connection's share of a <see cref="UdpMux"/>: its local ufrag, the remote addresses it claimed, its
/// handler (called on the mux's receive thread with the receive time) and its counters. Disposing it frees the ufrag
/// and the routes; it never closes the shared socket.
/// </summary>
public sealed class UdpMuxSession : IPeerSocket
{
    private readonly UdpMux _mux;
    private readonly IRtcDatagramHandler _handler;
    private readonly object _receiveLock = new();
    private readonly bool _serialized;
    private volatile UdpMuxRoute[] _routes = [];
    private volatile bool _removed;
    private SendTarget? _lastTarget;
    private long _received;
    private long _sent;
    private long _sendErrors;

    /// <param name="serialized">The handler serialises its own calls (a lock around each): no receive lock here.</param>
    internal UdpMuxSession(UdpMux mux, string localUfrag, IRtcDatagramHandler handler, bool serialized = false)
    {
        _mux = mux;
        LocalUfrag = localUfrag;
        _handler = handler;
        _serialized = serialized;
    }

    /// <summary>The ufrag this session's STUN requests are routed by.</summary>
    public string LocalUfrag { get; }

    /// <summary>The shared socket's address: every session's host candidate.</summary>
    public IPEndPoint LocalEndPoint => _mux.LocalEndPoint;

    public UdpMux Mux => _mux;

    /// <summary>Remote addresses routed to this session now.</summary>
    public IReadOnlyList<IPEndPoint> Remotes => Array.ConvertAll(_routes, r => r.EndPoint);

    /// <summary>Datagrams routed to this session.</summary>
    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    public long SendErrors => Interlocked.Read(ref _sendErrors);

    internal bool IsRemoved => _removed;

    /// <summary>Sends one datagram from the shared socket. Thread-safe; errors counted; a no-op once disposed.</summary>
    public void SendTo(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_removed)
        {
            return;
        }

        // A claimed route carries the serialised address; else keep the last one (a session sends to one remote).
        System.Net.SocketAddress? address = null;
        foreach (var route in _routes)
        {
            if (route.EndPoint.Equals(destination))
            {
                address = route.Address;
                break;
            }
        }

        if (address is null)
        {
            var target = Volatile.Read(ref _lastTarget);
            if (target is null || !target.EndPoint.Equals(destination))
            {
                target = new SendTarget(new IPEndPoint(destination.Address, destination.Port), destination.Serialize());
                Volatile.Write(ref _lastTarget, target);
            }

            address = target.Address;
        }

        if (_mux.SendTo(datagram, address))
        {
            Interlocked.Increment(ref _sent);
        }
        else if (!_mux.IsDisposed)
        {
            Interlocked.Increment(ref _sendErrors);
        }
    }

    /// <summary>Datagrams from <paramref name="remote"/> are this session's from now on (see <see cref="UdpMux"/>).</summary>
    public void Claim(IPEndPoint remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        _mux.Claim(this, remote);
    }

    /// <summary>Frees the ufrag and the routes. Idempotent.</summary>
    public void Dispose()
    {
        if (!_removed)
        {
            _mux.Remove(this);
        }
    }

    /// <summary>Receive thread: one routed datagram.</summary>
    internal void OnReceived(RtcPacketKind kind, ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
    {
        if (_removed)
        {
            return;
        }

        Interlocked.Increment(ref _received);
        if (!_mux.Parallel || _serialized)
        {
            Deliver(kind, datagram, from, receivedNs);
            return;
        }

        // Two of this session's remotes can hash to different receive threads: the handler, like one socket's
        // receive thread, sees one datagram at a time (uncontended but for that case). A handler that takes a lock of
        // its own around each call (RtcCoreMuxHost) is spared this second one.
        lock (_receiveLock)
        {
            Deliver(kind, datagram, from, receivedNs);
        }
    }

    private void Deliver(RtcPacketKind kind, ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
    {
        if (kind == RtcPacketKind.Stun)
        {
            _handler.OnStun(datagram, from, receivedNs);
        }
        else
        {
            _handler.OnDtls(datagram, from, receivedNs);
        }
    }

    /// <summary>Lock-free: whether <paramref name="remote"/> is already routed here.</summary>
    internal bool Owns(IPEndPoint remote)
    {
        foreach (var route in _routes)
        {
            if (route.EndPoint.Equals(remote))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Under the mux lock. Returns the route evicted to stay within <see cref="UdpMux.MaxRoutesPerSession"/>.</summary>
    internal UdpMuxRoute? AddRoute(UdpMuxRoute route)
    {
        var routes = _routes;
        if (routes.Length < UdpMux.MaxRoutesPerSession)
        {
            _routes = [.. routes, route];
            return null;
        }

        _routes = [.. routes.AsSpan(1), route];
        return routes[0];
    }

    /// <summary>Under the mux lock: another session claimed this route's address.</summary>
    internal void RemoveRoute(UdpMuxRoute route)
    {
        var routes = _routes;
        int index = Array.IndexOf(routes, route);
        if (index >= 0)
        {
            _routes = [.. routes.AsSpan(0, index), .. routes.AsSpan(index + 1)];
        }
    }

    /// <summary>Under the mux lock: marks the session removed and hands back its routes.</summary>
    internal UdpMuxRoute[] RemoveAll()
    {
        _removed = true;
        var routes = _routes;
        _routes = [];
        return routes;
    }

    /// <summary>An endpoint and its serialised form, published together (immutable once shared).</summary>
    private sealed record SendTarget(IPEndPoint EndPoint, System.Net.SocketAddress Address);
}
