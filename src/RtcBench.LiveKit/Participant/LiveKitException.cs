namespace RtcBench.LiveKit.Participant;

/// <summary>A join failed or a session ended while waiting on it; <see cref="Outcome"/> says how (never the token).</summary>
public sealed class LiveKitException : Exception
{
    public LiveKitException(LiveKitOutcome outcome)
        : base("LiveKit: " + outcome)
    {
        Outcome = outcome;
    }

    public LiveKitException(LiveKitOutcome outcome, Exception innerException)
        : base("LiveKit: " + outcome, innerException)
    {
        Outcome = outcome;
    }

    public LiveKitOutcome Outcome { get; }
}
