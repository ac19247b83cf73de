namespace RtcBench.Rtc.Turn;

/// <summary>Where a <see cref="TurnClient"/>'s allocation stands.</summary>
public enum TurnClientState
{
    /// <summary>Created; <see cref="TurnClient.Allocate"/> not called yet.</summary>
    New,

    /// <summary>Allocate sent (possibly the authenticated retry); no answer yet.</summary>
    Allocating,

    /// <summary>The server holds a relayed address for us; permissions, channels and data work.</summary>
    Allocated,

    /// <summary>Refresh with LIFETIME 0 sent.</summary>
    Deallocating,

    /// <summary>Deallocated on request. Terminal.</summary>
    Closed,

    /// <summary>The allocation failed or was lost; <see cref="TurnClient.Error"/> says why. Terminal.</summary>
    Failed,
}
