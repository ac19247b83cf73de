namespace RtcBench.Runner.Pacing;

/// <summary>How the ping driver passes the time between sends.</summary>
internal interface ISendPacer
{
    /// <summary>
    /// Returns at <paramref name="dueNs"/> (monotonic ns) as exactly as it can and never before it; false when a stop
    /// request ended the wait early.
    /// </summary>
    bool WaitForSend(long dueNs);

    /// <summary>Sleeps until about <paramref name="untilNs"/> with no need for precision; false when a stop request ended it.</summary>
    bool WaitLoosely(long untilNs);

    /// <summary>Called on the driver's thread right after each send.</summary>
    void OnSent()
    {
    }

    /// <summary>Called on the driver's thread when it has received an answer (between sends).</summary>
    void OnAnswered()
    {
    }
}
