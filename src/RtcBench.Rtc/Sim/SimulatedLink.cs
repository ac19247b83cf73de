namespace RtcBench.Rtc.Sim;

/// <summary>
/// One direction of a simulated network path. Decides, with its own seeded <see cref="Random"/>, whether each
/// packet is lost, duplicated, delayed or held back, and keeps the packets in flight ordered by delivery time
/// (ties broken by send order, so runs are fully deterministic).
/// </summary>
public sealed class SimulatedLink
{
    private readonly Random _random;
    private readonly PriorityQueue<byte[], (long At, long Seq)> _inFlight = new();
    private long _seq;
    private bool _badState;

    public SimulatedLink(SimulatedLinkOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        Options = options;
        _random = random;
    }

    /// <summary>Impairments; may be replaced mid-run (e.g. to cut the link).</summary>
    public SimulatedLinkOptions Options { get; set; }

    public SimulatedLinkStats Stats { get; } = new();

    public int InFlight => _inFlight.Count;

    /// <summary>Delivery time of the earliest packet in flight, or <see cref="RtcTime.Never"/>.</summary>
    public long NextDeliveryNs => _inFlight.TryPeek(out _, out var key) ? key.At : RtcTime.Never;

    public void Send(long nowNs, byte[] packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var o = Options;
        Stats.Sent++;
        if (!o.Up)
        {
            Stats.Lost++;
            return;
        }

        if (packet.Length > o.MaxPacketSize)
        {
            Stats.Oversize++;
            return;
        }

        // Gilbert-Elliott: step the chain once per packet, then draw the loss in the current state.
        _badState = _badState ? _random.NextDouble() >= o.BadToGood : _random.NextDouble() < o.GoodToBad;
        var lossP = _badState ? o.BurstLossRate : o.LossRate;
        if (_random.NextDouble() < lossP)
        {
            Stats.Lost++;
            return;
        }

        Enqueue(nowNs, packet);
        if (o.DuplicateRate > 0 && _random.NextDouble() < o.DuplicateRate)
        {
            Stats.Duplicated++;
            Enqueue(nowNs, (byte[])packet.Clone());
        }
    }

    /// <summary>Take the next packet due at or before <paramref name="nowNs"/>.</summary>
    public bool TryReceive(long nowNs, out byte[] packet)
    {
        if (_inFlight.TryPeek(out var p, out var key) && key.At <= nowNs)
        {
            _inFlight.Dequeue();
            Stats.Delivered++;
            packet = p;
            return true;
        }

        packet = [];
        return false;
    }

    private void Enqueue(long nowNs, byte[] packet)
    {
        var o = Options;
        var at = nowNs + o.DelayNs;
        if (o.JitterNs > 0)
        {
            at += (long)(_random.NextDouble() * o.JitterNs);
        }

        if (o.ReorderRate > 0 && _random.NextDouble() < o.ReorderRate)
        {
            Stats.Reordered++;
            at += o.ReorderDelayNs;
        }

        _inFlight.Enqueue(packet, (at, _seq++));
    }
}
