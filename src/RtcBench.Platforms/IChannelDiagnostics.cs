namespace RtcBench.Platforms;

/// <summary>
/// Optional for an <see cref="IPingChannel"/>: explains in one line why nothing came back (e.g. "no echo
/// participant ever joined the Daily room"), so a readiness failure can say more than "no answer".
/// </summary>
public interface IChannelDiagnostics
{
    /// <summary>A reason the echo is silent, or null when the channel knows none.</summary>
    string? ExplainSilence();
}
