namespace RtcBench.Rtc.Ice;

public enum IceEventKind
{
    /// <summary>The remote endpoint to send to has been chosen or has changed.</summary>
    Selected = 1,

    /// <summary>No proof of consent for the consent timeout (RFC 7675 §5.1): stop sending to that endpoint.</summary>
    ConsentExpired = 2,

    /// <summary>The full agent gave up: no pair was nominated in time, or every pair failed. Terminal.</summary>
    Failed = 3,
}
