namespace RtcBench.LiveKit.Participant;

/// <summary>Why a LiveKit session (or an attempt to join) ended.</summary>
public enum LiveKitEndKind
{
    /// <summary>We left (LeaveRequest CLIENT_INITIATED, WebSocket closed with 1000).</summary>
    Left,

    /// <summary>The server sent a LeaveRequest; <see cref="LiveKitOutcome.ServerReason"/> says why.</summary>
    ServerLeave,

    /// <summary>The server refused the join: the upgrade failed (<see cref="LiveKitOutcome.HttpStatus"/>, text from /rtc/validate).</summary>
    JoinRefused,

    /// <summary>The signal server could not be reached (DNS, TCP, TLS).</summary>
    Unreachable,

    /// <summary>Joining did not finish within the join timeout (the reason names the step).</summary>
    JoinTimeout,

    /// <summary>The signalling WebSocket closed or broke without a LeaveRequest.</summary>
    SignallingLost,

    /// <summary>No signalling message at all for the server's ping_timeout.</summary>
    KeepaliveTimeout,

    /// <summary>A peer connection failed (ICE, DTLS, SCTP, consent) or its data channels did not open.</summary>
    PeerFailed,

    /// <summary>The server demands something we cannot do yet (force_relay: TURN relay; an alternative URL).</summary>
    Unsupported,

    /// <summary>The server broke the protocol (e.g. the first message was not a JoinResponse, an unusable SDP).</summary>
    ProtocolError,

    /// <summary>The caller cancelled the join.</summary>
    Cancelled,

    /// <summary>A local failure or defect (e.g. no UDP socket could be bound); the reason has the exception message.</summary>
    Internal,
}
