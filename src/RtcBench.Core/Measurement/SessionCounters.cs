namespace RtcBench.Core.Measurement;

/// <summary>Messages a session received that did not answer one of its pings, by reason.</summary>
public sealed record SessionCounters
{
    /// <summary>Not a well-formed pong (garbage, truncated, wrong version or kind).</summary>
    public long Malformed { get; init; }

    /// <summary>A pong for another run.</summary>
    public long ForeignRun { get; init; }

    /// <summary>A pong whose seq was never sent, or whose timestamp does not match what was sent (forged).</summary>
    public long UnknownSeq { get; init; }

    /// <summary>Extra pongs for a ping already answered.</summary>
    public long Duplicates { get; init; }

    /// <summary>Answers to readiness probes that arrived after timing started.</summary>
    public long ProbeAnswers { get; init; }
}
