using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// The rooms of the stand-in LiveKit server: one thread-safe store that the stand-in RoomService
/// (<see cref="StandInRoomService"/>) and the stand-in signalling server share, so a room created over Twirp is the
/// one participants join, and ListParticipants shows who joined. Everything handed out is a copy.
/// </summary>
/// <remarks>The file is named StandInRoomService* with the rest of the RoomService stand-in.</remarks>
public sealed class StandInRooms
{
    /// <summary>LiveKit's defaults for a room created without timeouts (PROTOCOLS.md §2 A4).</summary>
    public const uint DefaultEmptyTimeoutSeconds = 300;
    public const uint DefaultDepartureTimeoutSeconds = 20;

    public enum JoinResult
    {
        /// <summary>The participant was added.</summary>
        Joined,

        /// <summary>A participant with the same identity was there and has been replaced (LiveKit: DUPLICATE_IDENTITY).</summary>
        Replaced,
        RoomNotFound,
        RoomFull,
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _rooms = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _nextId;

    public StandInRooms(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Raised, outside the lock, after a room was deleted: the room's name and the participants it had.</summary>
    public event Action<string, IReadOnlyList<ParticipantInfo>>? RoomDeleted;

    /// <summary>
    /// Creates the room, or returns the existing one unchanged (LiveKit's CreateRoom and auto-create on join do the
    /// same). Zero timeouts take LiveKit's defaults; zero <paramref name="maxParticipants"/> means no limit.
    /// </summary>
    public Room GetOrCreate(string name, uint emptyTimeout = 0, uint departureTimeout = 0, uint maxParticipants = 0, string metadata = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            if (!_rooms.TryGetValue(name, out var entry))
            {
                var now = _time.GetUtcNow();
                entry = new Entry(new Room
                {
                    Sid = NewSid("RM_"),
                    Name = name,
                    EmptyTimeout = emptyTimeout == 0 ? DefaultEmptyTimeoutSeconds : emptyTimeout,
                    DepartureTimeout = departureTimeout == 0 ? DefaultDepartureTimeoutSeconds : departureTimeout,
                    MaxParticipants = maxParticipants,
                    CreationTime = now.ToUnixTimeSeconds(),
                    CreationTimeMs = now.ToUnixTimeMilliseconds(),
                    Metadata = metadata,
                });
                _rooms.Add(name, entry);
            }
            return entry.Snapshot();
        }
    }

    /// <summary>Deletes the room; false when there was none.</summary>
    public bool Delete(string name)
    {
        List<ParticipantInfo> participants;
        lock (_gate)
        {
            if (!_rooms.Remove(name, out var entry))
            {
                return false;
            }
            participants = entry.Participants.Values.Select(p => p.Clone()).ToList();
        }
        RoomDeleted?.Invoke(name, participants);
        return true;
    }

    public Room? Find(string name)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(name, out var entry) ? entry.Snapshot() : null;
        }
    }

    /// <summary>All rooms, or those of <paramref name="names"/> that exist, ordered by name.</summary>
    public IReadOnlyList<Room> List(IReadOnlyCollection<string>? names = null)
    {
        lock (_gate)
        {
            return _rooms.Values
                .Where(e => names is null || names.Count == 0 || names.Contains(e.Room.Name))
                .OrderBy(e => e.Room.Name, StringComparer.Ordinal)
                .Select(e => e.Snapshot())
                .ToList();
        }
    }

    /// <summary>
    /// Adds a participant (a copy; the sid is filled in when empty, joined_at/joined_at_ms from each other or from now). The room must exist: the signalling
    /// stand-in calls <see cref="GetOrCreate"/> first when it auto-creates rooms on join, as LiveKit does.
    /// </summary>
    public JoinResult AddParticipant(string room, ParticipantInfo participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        ArgumentException.ThrowIfNullOrEmpty(participant.Identity);
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var entry))
            {
                return JoinResult.RoomNotFound;
            }
            bool replacing = entry.Participants.ContainsKey(participant.Identity);
            if (!replacing && entry.Room.MaxParticipants > 0 && entry.Participants.Count >= entry.Room.MaxParticipants)
            {
                return JoinResult.RoomFull;
            }
            var copy = participant.Clone();
            if (copy.Sid.Length == 0)
            {
                copy.Sid = NewSid("PA_");
            }
            if (copy.JoinedAt == 0 && copy.JoinedAtMs == 0)
            {
                copy.JoinedAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            }
            if (copy.JoinedAtMs == 0)
            {
                copy.JoinedAtMs = copy.JoinedAt * 1000;
            }
            if (copy.JoinedAt == 0)
            {
                copy.JoinedAt = copy.JoinedAtMs / 1000;
            }
            entry.Participants[copy.Identity] = copy;
            return replacing ? JoinResult.Replaced : JoinResult.Joined;
        }
    }

    /// <summary>Removes a participant; false when the room or the identity is not there.</summary>
    public bool RemoveParticipant(string room, string identity)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(room, out var entry) && entry.Participants.Remove(identity);
        }
    }

    /// <summary>The room's participants in joining order; null when there is no such room.</summary>
    public IReadOnlyList<ParticipantInfo>? Participants(string room)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(room, out var entry) ? entry.Participants.Values.Select(p => p.Clone()).ToList() : null;
        }
    }

    private string NewSid(string prefix) => $"{prefix}standin{Interlocked.Increment(ref _nextId)}";

    private sealed class Entry(Room room)
    {
        public Room Room { get; } = room;

        public OrderedDictionary<string, ParticipantInfo> Participants { get; } = new(StringComparer.Ordinal);

        public Room Snapshot()
        {
            var copy = Room.Clone();
            copy.NumParticipants = (uint)Participants.Count;
            copy.NumPublishers = (uint)Participants.Values.Count(p => p.IsPublisher);
            return copy;
        }
    }
}
