namespace RtcBench.Rtc.Turn;

/// <summary>Why a TURN request failed: a typed outcome, never an exception.</summary>
public enum TurnError
{
    None,

    /// <summary>401 to our authenticated request: wrong username or password (or realm).</summary>
    Unauthorized,

    /// <summary>403: the server forbids it (e.g. a peer address it does not relay to).</summary>
    Forbidden,

    /// <summary>437: no allocation for this 5-tuple, or Allocate when one exists.</summary>
    AllocationMismatch,

    /// <summary>438 more often than <see cref="TurnClientOptions.MaxStaleNonceRetries"/> in a row.</summary>
    StaleNonce,

    /// <summary>441: credentials differ from the allocation's.</summary>
    WrongCredentials,

    /// <summary>442: the server does not relay UDP.</summary>
    UnsupportedTransport,

    /// <summary>486: the user's allocation quota is used up.</summary>
    QuotaReached,

    /// <summary>508: the server has no capacity.</summary>
    InsufficientCapacity,

    /// <summary>Any other error code (see the event's code).</summary>
    Rejected,

    /// <summary>A success response without what it must carry (XOR-RELAYED-ADDRESS).</summary>
    BadResponse,

    /// <summary>No answer after Rc transmissions and the final Rm × RTO wait.</summary>
    Timeout,
}
