using System.Net;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// The check list (RFC 8445 §6.1.2): one pair per local and remote candidate, ordered by pair priority (which depends
/// on who controls), plus the triggered-check queue (§7.3.1.4), which is served first.
/// </summary>
internal sealed class IceCheckList(int maxPairs, bool controlling)
{
    private readonly List<IceCandidatePair> _pairs = [];
    private readonly Queue<IceCandidatePair> _triggered = new();

    public int Count => _pairs.Count;

    /// <summary>Every pair, highest priority first.</summary>
    public IReadOnlyList<IceCandidatePair> Pairs => _pairs;

    public IceCandidatePair? Find(int local, IPEndPoint remote)
    {
        foreach (var pair in _pairs)
        {
            if (pair.Local == local && pair.Remote.Equals(remote))
            {
                return pair;
            }
        }

        return null;
    }

    /// <summary>Adds a pair, or returns the existing one; null when the list is full.</summary>
    public IceCandidatePair? Add(int local, uint localPriority, IPEndPoint remote, uint remotePriority, bool peerReflexive)
    {
        if (Find(local, remote) is { } existing)
        {
            return existing;
        }

        if (_pairs.Count >= maxPairs)
        {
            return null;
        }

        var pair = new IceCandidatePair(
            local,
            localPriority,
            new IPEndPoint(remote.Address, remote.Port),
            remotePriority,
            PairPriority(localPriority, remotePriority),
            peerReflexive);
        int index = 0;
        while (index < _pairs.Count && _pairs[index].Priority >= pair.Priority)
        {
            index++;
        }

        _pairs.Insert(index, pair);
        return pair;
    }

    /// <summary>After a role switch (RFC 8445 §7.3.1.1): pair priorities are recomputed and the list re-sorted.</summary>
    public void SetControlling(bool value)
    {
        controlling = value;
        foreach (var pair in _pairs)
        {
            pair.Priority = PairPriority(pair.LocalPriority, pair.RemotePriority);
        }

        _pairs.Sort(static (a, b) => b.Priority.CompareTo(a.Priority));
    }

    /// <summary>Every pair that has not failed goes back to Waiting, to be checked again in the new role.</summary>
    public void ResetForRecheck()
    {
        foreach (var pair in _pairs)
        {
            if (pair.State != IcePairState.Failed)
            {
                pair.State = IcePairState.Waiting;
            }
        }
    }

    /// <summary>Queues a triggered check unless one is queued or the pair is in progress or succeeded.</summary>
    public void Trigger(IceCandidatePair pair)
    {
        if (pair.Triggered || pair.State is IcePairState.InProgress or IcePairState.Succeeded)
        {
            return;
        }

        pair.State = IcePairState.Waiting;
        pair.Triggered = true;
        _triggered.Enqueue(pair);
    }

    public bool HasWaiting()
    {
        foreach (var pair in _pairs)
        {
            if (pair.State == IcePairState.Waiting)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The next pair to check: triggered first, then the highest-priority waiting one.</summary>
    public IceCandidatePair? NextToCheck()
    {
        while (_triggered.TryDequeue(out var triggered))
        {
            triggered.Triggered = false;
            if (triggered.State == IcePairState.Waiting)
            {
                return triggered;
            }
        }

        foreach (var pair in _pairs)
        {
            if (pair.State == IcePairState.Waiting)
            {
                return pair;
            }
        }

        return null;
    }

    private ulong PairPriority(uint localPriority, uint remotePriority) => controlling
        ? IcePriority.ComputePair(localPriority, remotePriority)
        : IcePriority.ComputePair(remotePriority, localPriority);

    /// <summary>True when there is at least one pair and every pair failed.</summary>
    public bool AllFailed()
    {
        if (_pairs.Count == 0)
        {
            return false;
        }

        foreach (var pair in _pairs)
        {
            if (pair.State != IcePairState.Failed)
            {
                return false;
            }
        }

        return true;
    }
}
