namespace RtcBench.Rtc.Ice;

/// <summary>Candidate-pair states (RFC 8445 §6.1.2.6); "Frozen" is not needed with one local candidate.</summary>
internal enum IcePairState
{
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}
