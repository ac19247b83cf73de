using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Core;

/// <summary>What a shell over the core (<see cref="Peer.PeerConnection"/>) needs beyond the inputs: the full agent's
/// current role, and an abortive close.</summary>
public sealed partial class RtcCore
{
    /// <summary>The full agent's current ICE role (it may switch on a role conflict); null for the lite responder.</summary>
    internal IceRole? IceRole => _agent?.Role;

    /// <summary>Whether the selected pair was nominated (always for the full agent, which selects only nominated pairs;
    /// the lite responder selects on a plain check too, before the peer nominates).</summary>
    internal bool SelectionNominated => _agent is not null || _lite!.IsNominated;

    /// <summary>
    /// Ends at once, as a browser's close(): SCTP ABORT ("Close called") when an association exists, then DTLS
    /// close_notify, and <see cref="RtcOutputKind.Closed"/> with <see cref="RtcCloseReason.Local"/>; the peer learns it
    /// from the ABORT (or the close_notify) instead of waiting for a graceful SHUTDOWN. Then drain
    /// <see cref="PollOutput"/> (the last transmits). Nothing once terminal.
    /// </summary>
    internal void Abort(long nowNs)
    {
        if (Terminal)
        {
            return;
        }

        if (State == RtcCoreState.New)
        {
            Start(nowNs);
        }

        State = RtcCoreState.Closing;
        if (_sctp is { IsTerminated: false } sctp)
        {
            sctp.Abort("Close called");
            Pump(nowNs);
        }

        if (!Terminal)
        {
            _dtls.Close(); // close_notify when connected; during the handshake it just stops
            DrainDtls(nowNs);
            Finish(RtcCloseReason.Local);
        }
    }

    /// <summary>At the start, with <see cref="RtcCoreOptions.AdoptTurnClient"/>: an allocation the shell already
    /// completed becomes the relay candidate now (its <see cref="RtcOutputKind.LocalCandidate"/> again: the shell keeps
    /// the ones it raised), and one that already failed fails as it would have here.</summary>
    private void AdoptedRelayState(long nowNs)
    {
        if (_options.AdoptTurnClient is not { } turn || Terminal)
        {
            return;
        }

        if (turn.State == TurnClientState.Allocated && _relayLocal < 0)
        {
            OnAllocated(nowNs);
        }
        else if (turn.State == TurnClientState.Failed)
        {
            RelayFailed($"TURN allocation on {TurnUrl} failed: {turn.Error}{(turn.ErrorCode != 0 ? $" ({turn.ErrorCode})" : string.Empty)}");
        }
    }
}
