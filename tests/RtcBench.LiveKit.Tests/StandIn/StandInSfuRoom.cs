using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// The live side of one room of the stand-in: its participants' signal sessions by identity (the room itself, with its
/// sid and settings, is in <see cref="StandInRooms"/>). Thread-safe.
/// </summary>
internal sealed class StandInSfuRoom(string name)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StandInSession> _sessions = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public StandInSession[] Sessions
    {
        get
        {
            lock (_gate)
            {
                return [.. _sessions.Values];
            }
        }
    }

    /// <summary>Adds a session; a previous one with the same identity is returned (LiveKit evicts it: DUPLICATE_IDENTITY).</summary>
    public StandInSession? Add(StandInSession session)
    {
        lock (_gate)
        {
            _sessions.TryGetValue(session.Identity, out var previous);
            _sessions[session.Identity] = session;
            return previous;
        }
    }

    public void Remove(StandInSession session)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(session.Identity, out var current) && current == session)
            {
                _sessions.Remove(session.Identity);
            }
        }
    }

    public StandInSession? Find(string identity)
    {
        lock (_gate)
        {
            return _sessions.GetValueOrDefault(identity);
        }
    }

}
