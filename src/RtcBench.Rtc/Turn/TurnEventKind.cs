namespace RtcBench.Rtc.Turn;

public enum TurnEventKind
{
    /// <summary>Allocate succeeded: <see cref="TurnClient.RelayedAddress"/> is set.</summary>
    Allocated,

    /// <summary>Allocate, or a Refresh of the allocation, failed: the client is <see cref="TurnClientState.Failed"/>.</summary>
    AllocationFailed,

    /// <summary>A Refresh (non-zero lifetime) succeeded.</summary>
    Refreshed,

    /// <summary>Refresh with LIFETIME 0 succeeded (or the server had no allocation left: 437).</summary>
    Deallocated,

    /// <summary>A permission for <see cref="TurnEvent.Peer"/>'s address was installed the first time.</summary>
    PermissionCreated,

    /// <summary>CreatePermission (first or refresh) failed; the permission is forgotten.</summary>
    PermissionFailed,

    /// <summary>A channel for <see cref="TurnEvent.Peer"/> was bound the first time.</summary>
    ChannelBound,

    /// <summary>ChannelBind (first or refresh) failed; the channel is forgotten and sends fall back to indications.</summary>
    ChannelBindFailed,

    /// <summary>Data from <see cref="TurnEvent.Peer"/> (a Data indication or ChannelData).</summary>
    DataReceived,
}
