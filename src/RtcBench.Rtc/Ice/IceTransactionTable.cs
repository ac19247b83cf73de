using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Ice;

/// <summary>Outstanding check transactions of an agent, bounded, looked up by transaction id.</summary>
internal sealed class IceTransactionTable(int capacity)
{
    private readonly List<IceCheckTransaction> _items = [];

    public bool IsFull => _items.Count >= capacity;

    public long EarliestDeadlineNs
    {
        get
        {
            long earliest = RtcTime.Never;
            foreach (var item in _items)
            {
                earliest = Math.Min(earliest, item.DeadlineNs);
            }

            return earliest;
        }
    }

    public void Add(IceCheckTransaction transaction)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("The transaction table is full.");
        }

        _items.Add(transaction);
    }

    public IceCheckTransaction? Find(StunTransactionId id)
    {
        foreach (var item in _items)
        {
            if (item.Id == id)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>The outstanding connectivity check (not consent) on <paramref name="pair"/>, or null.</summary>
    public IceCheckTransaction? FindCheck(IceCandidatePair pair)
    {
        foreach (var item in _items)
        {
            if (ReferenceEquals(item.Pair, pair) && !item.Consent)
            {
                return item;
            }
        }

        return null;
    }

    /// <summary>A transaction whose deadline has passed, or null.</summary>
    public IceCheckTransaction? NextDue(long nowNs)
    {
        foreach (var item in _items)
        {
            if (nowNs >= item.DeadlineNs)
            {
                return item;
            }
        }

        return null;
    }

    public void Remove(IceCheckTransaction transaction) => _items.Remove(transaction);

    /// <summary>
    /// On selection: cancels every transaction except those for <paramref name="selected"/> and the connectivity checks
    /// on nominated pairs of higher priority, which may still replace it (RFC 8445 §8.1.1).
    /// </summary>
    public void KeepOnlyAndBetterNominated(IceCandidatePair selected) => _items.RemoveAll(t =>
        !ReferenceEquals(t.Pair, selected) && (t.Consent || !t.Pair.Nominated || t.Pair.Priority <= selected.Priority));

    public void Clear() => _items.Clear();
}
