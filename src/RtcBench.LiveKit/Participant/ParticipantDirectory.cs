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
    private LiveKitOutcome? _ended;

    /// <summary>Raised (outside the lock) when a present participant is reported DISCONNECTED.</summary>
    public event Action<LiveKitRemoteParticipant>? Left;

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
        LiveKitRemoteParticipant? participant = null;
        LiveKitRemoteParticipant? left = null;
        lock (_gate)
        {
            if (info.State == ParticipantInfo.Types.State.Disconnected)
            {
                if (_present.Remove(info.Identity, out var gone))
                {
                    left = gone;
                }
            }
            else
            {
                participant = new LiveKitRemoteParticipant(info.Identity, info.Sid, info.State.ToString(), info.Kind.ToString());
                _present[info.Identity] = participant;
                for (int i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Identity == info.Identity)
                    {
                        (ready ??= []).Add(_waiters[i].Waiter);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        if (left is not null)
        {
            Left?.Invoke(left);
            return;
        }

        foreach (var waiter in ready ?? [])
        {
            waiter.TrySetResult(participant!);
        }
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

    /// <summary>The session ended: every waiter fails with <paramref name="outcome"/>, and later waits at once.</summary>
    public void End(LiveKitOutcome outcome)
    {
        List<TaskCompletionSource<LiveKitRemoteParticipant>> waiters;
        lock (_gate)
        {
            _ended ??= outcome;
            waiters = [.. _waiters.Select(w => w.Waiter)];
            _waiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetException(new LiveKitException(outcome));
        }
    }
}
