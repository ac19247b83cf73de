using RtcBench.LiveKit.Protocol;
using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Participant;

/// <summary>
/// How a LiveKit session or join attempt ended, in one line (<see cref="ToString"/>). Never contains the token.
/// </summary>
public sealed record LiveKitOutcome(LiveKitEndKind Kind, string Reason)
{
    /// <summary>The server's DisconnectReason for <see cref="LiveKitEndKind.ServerLeave"/>.</summary>
    public DisconnectReason? ServerReason { get; init; }

    /// <summary>The server's LeaveRequest action (DISCONNECT, RESUME, RECONNECT); we never resume or reconnect.</summary>
    public LeaveRequest.Types.Action? ServerAction { get; init; }

    /// <summary>The HTTP status of a refused join (401 bad token, 403 not allowed, 404 room or path not found…).</summary>
    public int? HttpStatus { get; init; }

    /// <summary>The failed phase for <see cref="LiveKitEndKind.PeerFailed"/>.</summary>
    public PeerPhase? PeerPhase { get; init; }

    /// <summary>What ended the failed peer connection, typed (<see cref="PeerOutcome.Cause"/>), for <see cref="LiveKitEndKind.PeerFailed"/>.</summary>
    public PeerFailureReason? PeerCause { get; init; }

    /// <summary>Which peer connection failed: "publisher" or "subscriber".</summary>
    public string? PeerConnection { get; init; }

    public override string ToString()
    {
        string detail = Kind switch
        {
            LiveKitEndKind.ServerLeave => $" (reason {ServerReason}, action {ServerAction})",
            LiveKitEndKind.JoinRefused when HttpStatus is { } status => $" (HTTP {status})",
            LiveKitEndKind.PeerFailed => $" ({PeerConnection} {PeerPhase})",
            _ => string.Empty,
        };
        return $"{Kind}{detail}: {Reason}";
    }
}
