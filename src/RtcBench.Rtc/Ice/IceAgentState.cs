namespace RtcBench.Rtc.Ice;

public enum IceAgentState
{
    /// <summary>Created; answers checks and learns candidates but sends none until <see cref="IceAgent.Start"/>.</summary>
    New,

    /// <summary>Sending paced checks.</summary>
    Checking,

    /// <summary>A nominated pair succeeded; consent checks keep it alive.</summary>
    Connected,

    /// <summary>Terminal: no pair succeeded in time, or every pair failed after end-of-candidates.</summary>
    Failed,

    /// <summary>Terminal: consent expired on the selected pair.</summary>
    Expired,
}
