namespace RtcBench.Rtc.Sim;

/// <summary>
/// Drives two sans-IO endpoints over two <see cref="SimulatedLink"/>s in simulated time. Time jumps from event to
/// event (the next packet delivery or the next endpoint deadline), so a minute of lossy traffic runs in
/// milliseconds. Everything random derives from <see cref="Seed"/>; print it when a scenario fails.
/// </summary>
public sealed class SimulatedNetwork
{
    /// <summary>Guards against an endpoint whose deadline never moves forward.</summary>
    private const int MaxStepsWithoutProgress = 10_000;

    private readonly ISimEndpoint _a;
    private readonly ISimEndpoint _b;

    public SimulatedNetwork(int seed, ISimEndpoint a, ISimEndpoint b, SimulatedLinkOptions aToB, SimulatedLinkOptions bToA,
        long startNs = 0)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Seed = seed;
        _a = a;
        _b = b;
        var root = new Random(seed);
        AToB = new SimulatedLink(aToB, new Random(root.Next()));
        BToA = new SimulatedLink(bToA, new Random(root.Next()));
        NowNs = startNs;
    }

    public SimulatedNetwork(int seed, ISimEndpoint a, ISimEndpoint b, SimulatedLinkOptions both)
        : this(seed, a, b, both, both)
    {
    }

    public int Seed { get; }

    public long NowNs { get; private set; }

    public SimulatedLink AToB { get; }

    public SimulatedLink BToA { get; }

    /// <summary>Number of events processed so far (deliveries plus timeouts).</summary>
    public long Steps { get; private set; }

    /// <summary>Called after every event, e.g. to drain endpoint events or to send more data.</summary>
    public Action<SimulatedNetwork>? AfterStep { get; set; }

    public string Describe() =>
        FormattableString.Invariant($"seed={Seed} now={NowNs / (double)RtcTime.NsPerSecond:F3}s a->b: {AToB.Stats} b->a: {BToA.Stats}");

    /// <summary>Move the transmit queues of both endpoints onto the links at the current time.</summary>
    public void Flush()
    {
        while (_a.TryPollTransmit(out var p))
        {
            AToB.Send(NowNs, p);
        }

        while (_b.TryPollTransmit(out var p))
        {
            BToA.Send(NowNs, p);
        }
    }

    /// <summary>
    /// Run until <paramref name="until"/> returns true (checked after every event) or simulated time would pass
    /// <paramref name="deadlineNs"/>. Returns whether the condition was met.
    /// </summary>
    public bool RunUntil(Func<bool> until, long deadlineNs)
    {
        ArgumentNullException.ThrowIfNull(until);
        Flush();
        var stuck = 0;
        while (!until())
        {
            var next = Math.Min(Math.Min(AToB.NextDeliveryNs, BToA.NextDeliveryNs),
                Math.Min(_a.NextTimeoutNs, _b.NextTimeoutNs));
            if (next == RtcTime.Never || next > deadlineNs)
            {
                NowNs = Math.Max(NowNs, Math.Min(deadlineNs, next));
                return until();
            }

            if (next <= NowNs)
            {
                if (++stuck > MaxStepsWithoutProgress)
                {
                    throw new InvalidOperationException("simulation made no progress in time: " + Describe());
                }
            }
            else
            {
                stuck = 0;
                NowNs = next;
            }

            Step();
        }

        return true;
    }

    /// <summary>Run for a span of simulated time.</summary>
    public void RunFor(long durationNs)
    {
        var end = NowNs + durationNs;
        RunUntil(() => false, end);
        NowNs = Math.Max(NowNs, end);
    }

    private void Step()
    {
        Steps++;
        while (AToB.TryReceive(NowNs, out var p))
        {
            _b.HandleInput(NowNs, p);
        }

        while (BToA.TryReceive(NowNs, out var p))
        {
            _a.HandleInput(NowNs, p);
        }

        if (_a.NextTimeoutNs <= NowNs)
        {
            _a.HandleTimeout(NowNs);
        }

        if (_b.NextTimeoutNs <= NowNs)
        {
            _b.HandleTimeout(NowNs);
        }

        AfterStep?.Invoke(this);
        Flush();
    }
}
