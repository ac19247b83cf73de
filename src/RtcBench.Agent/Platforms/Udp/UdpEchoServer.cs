using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using RtcBench.Core.Timing;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Platforms.Udp;

/// <summary>
/// The echo side of the <c>udp</c> platform: one UDP socket and one dedicated receive thread that answers every
/// valid ping (framed by <see cref="UdpFrame"/>) with a pong to its sender. Valid means: our frame, a live room, its
/// token, and a (run, seq) not seen before; readiness probes (seq &lt; 0) are replay-checked too, limited per room, and
/// answered only with at most as many bytes as they carried (padding trimmed), so no datagram is amplified. Only a
/// valid datagram counts as room activity. The receive timestamp is taken right
/// after <c>ReceiveFrom</c> returns, the send timestamp right before <c>SendTo</c>, both on the server's monotonic
/// clock; every pong carries the wall anchor taken once at start. The per-datagram path allocates nothing and never
/// throws on bad input: bad datagrams are dropped and counted. Rooms are registered and unregistered by the agent.
/// </summary>
public sealed partial class UdpEchoServer : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly Thread _thread;
    private readonly MonoTime _clock;
    private readonly EchoFaults _faults;
    private readonly ConcurrentDictionary<Guid, UdpEchoRoom> _rooms = new();
    private readonly double _wallAnchorUs;
    private volatile bool _stopping;
    private int _disposed;

    /// <summary>Binds <paramref name="bind"/> (port 0 = ephemeral) and starts the receive thread.</summary>
    /// <param name="bind">An IPv4 or IPv6 address and port.</param>
    /// <param name="faults">Fault injection for tests; null or <see cref="EchoFaults.None"/> in production.</param>
    /// <param name="time">The monotonic clock for timestamps; <see cref="TimeProvider.System"/> when null.</param>
    public UdpEchoServer(IPEndPoint bind, EchoFaults? faults = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(bind);
        _faults = faults ?? EchoFaults.None;
        var problems = _faults.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(faults));
        }
        _clock = new MonoTime(time ?? TimeProvider.System);
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (bind.AddressFamily == AddressFamily.InterNetworkV6 && bind.Address.Equals(IPAddress.IPv6Any))
            {
                _socket.DualMode = true;
            }
            _socket.ReceiveBufferSize = 1 << 20;
            _socket.SendBufferSize = 1 << 20;
            _socket.Bind(bind);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
        LocalEndpoint = (IPEndPoint)_socket.LocalEndPoint!;
        _wallAnchorUs = _clock.WallAnchorUs();
        _sendBuffer = new byte[UdpFrame.MaxDatagram + 256];
        _receiveBuffer = new byte[UdpFrame.MaxDatagram + 1];
        _thread = new Thread(ReceiveLoop)
        {
            IsBackground = true,
            Name = "rtcbench-udp-echo",
        };
        _thread.Start();
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndpoint { get; }

    /// <summary>The wall anchor (unix µs − monotonic µs) sent in every pong, taken once at start.</summary>
    public double WallAnchorUs => _wallAnchorUs;

    /// <summary>The server's monotonic clock (the clock of every rx/tx and activity timestamp).</summary>
    public MonoTime Clock => _clock;

    /// <summary>Number of registered rooms.</summary>
    public int RoomCount => _rooms.Count;

    /// <summary>Registers a room; its datagrams are echoed until it is unregistered or expires.</summary>
    /// <param name="roomId">The room id carried in the frame header.</param>
    /// <param name="token">The 16-byte room token.</param>
    /// <param name="expiresAtNs">Monotonic ns (server clock) from which the room's datagrams are dropped as expired.</param>
    /// <exception cref="InvalidOperationException">The room is already registered.</exception>
    public void RegisterRoom(Guid roomId, ReadOnlySpan<byte> token, long expiresAtNs = long.MaxValue)
    {
        if (token.Length != UdpFrame.TokenLength)
        {
            throw new ArgumentException("A room token is 16 bytes.", nameof(token));
        }
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_rooms.TryAdd(roomId, new UdpEchoRoom(roomId, token, expiresAtNs)))
        {
            throw new InvalidOperationException($"Room {roomId:N} is already registered.");
        }
    }

    /// <summary>Unregisters a room; false when it was not registered. Later datagrams count as unknown room.</summary>
    public bool UnregisterRoom(Guid roomId)
    {
        if (_rooms.TryRemove(roomId, out var room))
        {
            room.Close();
            return true;
        }
        return false;
    }

    /// <summary>Activity of a registered room; none when it is not registered.</summary>
    internal PlatformRoomActivity GetActivity(Guid roomId) =>
        _rooms.TryGetValue(roomId, out var room) ? room.Tally.Activity : default;

    /// <summary>A snapshot of the counters.</summary>
    public UdpEchoCounters GetCounters() => new(
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _echoed),
        Interlocked.Read(ref _droppedMalformed),
        Interlocked.Read(ref _droppedUnknownRoom),
        Interlocked.Read(ref _droppedBadToken),
        Interlocked.Read(ref _droppedReplayed),
        Interlocked.Read(ref _droppedExpired),
        Interlocked.Read(ref _droppedOversize),
        Interlocked.Read(ref _droppedInjected),
        Interlocked.Read(ref _droppedProbeRateLimited),
        Interlocked.Read(ref _droppedProbeTooSmall),
        Interlocked.Read(ref _socketErrors));

    /// <summary>Stops the receive thread (closing the socket) and waits for it to end.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping = true;
        _socket.Dispose();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(JoinTimeout);
        }
        foreach (var room in _rooms.Values)
        {
            room.Close();
        }
        _rooms.Clear();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
