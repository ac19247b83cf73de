using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RtcBench.Agent.Platforms;
using RtcBench.Core.Timing;
using RtcBench.Platforms.Daily;

namespace RtcBench.Agent.Rooms;

/// <summary>
/// The open rooms: creates them on every requested platform, closes them on request, at expiry or after the idle
/// timeout (see <see cref="Sweep"/>), and enforces the room limit. Nothing of a room outlives its closing.
/// </summary>
internal sealed class RoomRegistry(
    IReadOnlyList<IEchoPlatform> platforms,
    MonoTime clock,
    int maxRooms,
    ILogger logger)
{
    private readonly ConcurrentDictionary<Guid, Room> _rooms = new();
    private readonly Lock _gate = new();
    private int _pending;
    private long _created;
    private long _refused;

    /// <summary>Raised after a room is closed, with the reason ("disconnect", "expired", "idle", "shutdown").</summary>
    public event Action<Guid, string>? RoomClosed;

    /// <summary>Raised after every sweep with the monotonic ns the sweep used as "now".</summary>
    public event Action<long>? Swept;

    public IReadOnlyList<IEchoPlatform> Platforms => platforms;

    public MonoTime Clock => clock;

    public int Count => _rooms.Count;

    /// <summary>The room limit.</summary>
    public int MaxRooms => maxRooms;

    /// <summary>Rooms created since start.</summary>
    public long CreatedCount => Interlocked.Read(ref _created);

    /// <summary>/connect requests refused at the room limit since start.</summary>
    public long RefusedCount => Interlocked.Read(ref _refused);

    public ICollection<Room> Rooms => _rooms.Values;

    public IEchoPlatform? FindPlatform(string name)
    {
        foreach (var p in platforms)
        {
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
            {
                return p;
            }
        }
        return null;
    }

    public async Task<CreateRoomResult> TryCreateAsync(
        IReadOnlyList<IEchoPlatform> on, TimeSpan ttl, TimeSpan idleTimeout, string advertisedHost, string? client,
        DailyTopology dailyTopology, string? janusPath, CancellationToken cancellationToken)
    {
        Room room;
        var credentials = new Dictionary<string, object>(StringComparer.Ordinal);
        lock (_gate)
        {
            if (_rooms.Count + _pending >= maxRooms)
            {
                Interlocked.Increment(ref _refused);
                AgentLog.RoomLimitReached(logger, maxRooms);
                return new CreateRoomResult(null, null, RetryAfter());
            }
            _pending++;
        }
        try
        {
            long nowNs = clock.NowNs();
            room = new Room(Guid.NewGuid(), clock.UtcNow(), nowNs, ttl, idleTimeout, on.Select(p => p.Name).ToArray(), client);
            var context = new RoomContext(room.Id, advertisedHost, room.ExpiresAtNs, room.ExpiresAt, dailyTopology) { IdleTimeout = idleTimeout, JanusPath = janusPath };
            try
            {
                // Platforms may call remote services (Daily's REST API, a browser): outside the lock.
                foreach (var platform in on)
                {
                    credentials[platform.Name] = await platform.CreateRoomAsync(context, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                foreach (var platform in on)
                {
                    platform.CloseRoom(room.Id);
                }
                throw;
            }
            _rooms[room.Id] = room;
            Interlocked.Increment(ref _created);
        }
        finally
        {
            lock (_gate)
            {
                _pending--;
            }
        }
        AgentLog.RoomCreated(logger, room.IdText, string.Join(',', room.Platforms), room.ExpiresAt);
        return new CreateRoomResult(room, credentials, TimeSpan.Zero);
    }

    /// <summary>Closes a room on every platform; false when it is not open.</summary>
    public bool Close(Guid roomId, string reason)
    {
        if (!_rooms.TryRemove(roomId, out var room))
        {
            return false;
        }
        foreach (var name in room.Platforms)
        {
            FindPlatform(name)?.CloseRoom(roomId);
        }
        AgentLog.RoomClosed(logger, room.IdText, string.Join(',', room.Platforms), reason);
        RoomClosed?.Invoke(roomId, reason);
        return true;
    }

    public RoomActivity GetActivity(Room room)
    {
        long echoed = 0;
        long last = room.CreatedNs;
        foreach (var name in room.Platforms)
        {
            var activity = FindPlatform(name)?.GetActivity(room.Id) ?? default;
            echoed += activity.PingsEchoed;
            if (activity.LastActivityNs is long ns && ns > last)
            {
                last = ns;
            }
        }
        return new RoomActivity(echoed, last);
    }

    /// <summary>Closes every room past its expiry or idle for longer than its idle timeout. Returns how many.</summary>
    public int Sweep()
    {
        long nowNs = clock.NowNs();
        int closed = 0;
        foreach (var room in _rooms.Values)
        {
            if (nowNs >= room.ExpiresAtNs)
            {
                closed += Close(room.Id, "expired") ? 1 : 0;
            }
            else if (nowNs - GetActivity(room).LastActivityNs >= (long)room.IdleTimeout.TotalNanoseconds)
            {
                closed += Close(room.Id, "idle") ? 1 : 0;
            }
        }
        Swept?.Invoke(nowNs);
        return closed;
    }

    /// <summary>Closes every room (agent shutdown).</summary>
    public void CloseAll()
    {
        foreach (var id in _rooms.Keys)
        {
            Close(id, "shutdown");
        }
    }

    /// <summary>
    /// When to try again at the room limit: the seconds until the first room can free, each room freeing at its
    /// expiry or at its last valid message plus its idle timeout, whichever is sooner (rounded up; 1 to 3600 s).
    /// A runner that keeps its room busy pushes that room's idle end on, so this is the earliest, not a promise.
    /// </summary>
    private TimeSpan RetryAfter()
    {
        long nowNs = clock.NowNs();
        long soonest = long.MaxValue;
        foreach (var room in _rooms.Values)
        {
            long idleEndNs = GetActivity(room).LastActivityNs + (long)room.IdleTimeout.TotalNanoseconds;
            soonest = Math.Min(soonest, Math.Min(room.ExpiresAtNs, idleEndNs) - nowNs);
        }
        double seconds = soonest == long.MaxValue ? 1 : Math.Ceiling(soonest / 1e9);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 3600));
    }
}
