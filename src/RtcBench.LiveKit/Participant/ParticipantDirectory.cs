using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Participant;

/// <summary>
/// The other participants of the room: from JoinResponse.other_participants, then ParticipantUpdate (DISCONNECTED
/// removes). <see cref="WaitAsync"/> completes when an identity is present, or fails with the session's outcome.
/// </summary>
internal sealed class ParticipantDirectory
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LiveKitRemoteParticipant> _present = new(StringComparer.Ordinal);
    private readonly List<(string Identity, TaskCompletionSource<LiveKitRemoteParticipant> Waiter)> _waiters = [];
    private readonly List<(string Identity, TaskCompletionSource Waiter)> _goneWaiters = [];
    private LiveKitOutcome? _ended;

    public IReadOnlyList<LiveKitRemoteParticipant> Snapshot()
    {
        lock (_gate)
        {
            return [.. _present.Values];
        }
    }

    /// <summary>Applies one ParticipantInfo; <paramref name="self"/> (our own identity) is not tracked.</summary>
    public void Apply(ParticipantInfo info, string self)
    {
        if (string.IsNullOrEmpty(info.Identity) || info.Identity == self)
        {
            return;
        }

        List<TaskCompletionSource<LiveKitRemoteParticipant>>? ready = null;
        List<TaskCompletionSource>? gone = null;
        LiveKitRemoteParticipant? participant = null;
        lock (_gate)
        {
            if (info.State == ParticipantInfo.Types.State.Disconnected)
            {
                _present.Remove(info.Identity);
                gone = Take(_goneWaiters, info.Identity);
            }
            else
            {
                participant = new LiveKitRemoteParticipant(info.Identity, info.Sid, info.State.ToString(), info.Kind.ToString());
                _present[info.Identity] = participant;
                ready = Take(_waiters, info.Identity);
            }
        }

        foreach (var waiter in gone ?? [])
        {
            waiter.TrySetResult();
        }

        foreach (var waiter in ready ?? [])
        {
            waiter.TrySetResult(participant!);
        }
    }

    private static List<T>? Take<T>(List<(string Identity, T Waiter)> waiters, string identity)
    {
        List<T>? taken = null;
        for (int i = waiters.Count - 1; i >= 0; i--)
        {
            if (waiters[i].Identity == identity)
            {
                (taken ??= []).Add(waiters[i].Waiter);
                waiters.RemoveAt(i);
            }
        }

        return taken;
    }

    public async Task<LiveKitRemoteParticipant> WaitAsync(string identity, CancellationToken ct)
    {
        var waiter = new TaskCompletionSource<LiveKitRemoteParticipant>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_present.TryGetValue(identity, out var present))
            {
                return present;
            }

            if (_ended is not null)
            {
                throw new LiveKitException(_ended);
            }

            _waiters.Add((identity, waiter));
        }

        try
        {
            return await waiter.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Waiter == waiter);
            }
        }
    }

    /// <summary>Completes when <paramref name="identity"/> is not in the room: at once if absent, else when it leaves.</summary>
    public async Task WaitGoneAsync(string identity, CancellationToken ct)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (!_present.ContainsKey(identity))
            {
                return;
            }

            if (_ended is not null)
            {
                throw new LiveKitException(_ended);
            }

            _goneWaiters.Add((identity, waiter));
        }

        try
        {
            await waiter.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _goneWaiters.RemoveAll(w => w.Waiter == waiter);
            }
        }
    }

    /// <summary>The session ended: every waiter fails with <paramref name="outcome"/>, and later waits at once.</summary>
    public void End(LiveKitOutcome outcome)
    {
        List<TaskCompletionSource<LiveKitRemoteParticipant>> waiters;
        List<TaskCompletionSource> goneWaiters;
        lock (_gate)
        {
            _ended ??= outcome;
            waiters = [.. _waiters.Select(w => w.Waiter)];
            _waiters.Clear();
            goneWaiters = [.. _goneWaiters.Select(w => w.Waiter)];
            _goneWaiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetException(new LiveKitException(outcome));
        }

        foreach (var waiter in goneWaiters)
        {
            waiter.TrySetException(new LiveKitException(outcome));
        }
    }
}
