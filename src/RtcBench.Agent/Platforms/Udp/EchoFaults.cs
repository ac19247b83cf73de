namespace RtcBench.Agent.Platforms.Udp;

/// <summary>
/// Fault injection for the UDP echo server. A test and diagnostic aid only: every fault is off by default and a
/// production agent never sets one. Readiness probes (negative seq) are never faulted.
/// </summary>
public sealed class EchoFaults
{
    /// <summary>No faults: the default.</summary>
    public static EchoFaults None { get; } = new();

    /// <summary>
    /// When N &gt; 0, pings with <c>seq % N == N - 1</c> (the Nth, 2Nth, … when counting from seq 0) are dropped
    /// without a pong and counted as <c>dropped_injected</c>.
    /// </summary>
    public int DropEvery { get; init; }

    /// <summary>When set, pongs for pings whose seq satisfies the predicate are sent <see cref="DelayBy"/> later.</summary>
    public Func<long, bool>? Delay { get; init; }

    /// <summary>How long a delayed pong is held; its <c>tx</c> timestamp is taken at the actual, later send.</summary>
    public TimeSpan DelayBy { get; init; }

    /// <summary>True when any fault is configured.</summary>
    public bool Any => DropEvery > 0 || (Delay is not null && DelayBy > TimeSpan.Zero);

    /// <summary>Lists every problem with these settings (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (DropEvery < 0)
        {
            problems.Add($"faults: DropEvery must be 0 (off) or positive, got {DropEvery}");
        }
        if (DelayBy < TimeSpan.Zero)
        {
            problems.Add($"faults: DelayBy must not be negative, got {DelayBy}");
        }
        if (Delay is not null && DelayBy == TimeSpan.Zero)
        {
            problems.Add("faults: a Delay predicate needs a positive DelayBy");
        }
        return problems;
    }
}
