namespace RtcBench.Rtc.Ice;

public enum IceEventKind
{
    /// <summary>The remote endpoint to send to has been chosen or has changed.</summary>
    Selected = 1,

    /// <summary>No valid check from the selected endpoint for the consent timeout (RFC 7675 §5.1): stop sending.</summary>
    ConsentExpired = 2,
}
