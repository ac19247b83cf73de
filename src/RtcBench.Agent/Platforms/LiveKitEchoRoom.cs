using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// One room's echo participant on LiveKit. Every ping that arrives is answered to the identity the server stamped as
/// its sender, on the kind of channel it arrived on, with a pong (PingCodec: rx = the socket receive time of the
/// datagram that completed the packet, tx = just before sending). The echo leaves when the runner is reported
/// DISCONNECTED, when the runner has not joined within the room's idle timeout, or when the agent closes the room;
/// the session may also end on the server's side (room deleted or expired, signalling lost).
/// </summary>
/// <remarks>
/// The data path (<see cref="OnData"/>) runs on the receive thread of the peer connection the packet arrived on, under
/// that connection's lock. It does
/// not allocate or log: one pong buffer per kind (each kind's packets come in on one connection, so under one lock), a
/// lock-free counter update, and <see cref="LiveKitParticipant.Send"/>, which does not allocate either.
/// </remarks>
internal sealed class LiveKitEchoRoom : ILiveKitDataReceiver
{
    private readonly PongSender _send;
    private readonly MonoTime _clock;
    private readonly double _wallAnchorUs;
    private readonly byte[] _reliablePong = new byte[PingCodec.MaxMessageBytes];
    private readonly byte[] _lossyPong = new byte[PingCodec.MaxMessageBytes];
    private readonly EchoTally _tally = new();
    private string? _leaveReason;
    private volatile bool _runnerJoined;
    private volatile bool _runnerLeft;
    private volatile string _roomState = "open";

    /// <param name="send">Where pongs go; default <see cref="LiveKitParticipant.Send"/> of <see cref="Participant"/>
    /// (tests substitute a recorder to prove the echo's own path allocation-free, independent of the stack).</param>
    public LiveKitEchoRoom(string roomName, string runnerIdentity, string echoIdentity, MonoTime clock, PongSender? send = null)
    {
        RoomName = roomName;
        RunnerIdentity = runnerIdentity;
        EchoIdentity = echoIdentity;
        _clock = clock;
        _wallAnchorUs = clock.WallAnchorUs();
        Participant = new LiveKitParticipant(this);
        _send = send ?? Participant.Send;
    }

    /// <summary>Sends one pong to <paramref name="destinationIdentity"/> on <paramref name="kind"/>; false when it was dropped.</summary>
    public delegate bool PongSender(LiveKitDataKind kind, ReadOnlySpan<byte> pong, string destinationIdentity);

    /// <summary>The LiveKit room's name.</summary>
    public string RoomName { get; }

    public string RunnerIdentity { get; }

    public string EchoIdentity { get; }

    /// <summary>The echo participant (our own LiveKit client).</summary>
    public LiveKitParticipant Participant { get; }

    /// <summary>Pongs handed to LiveKit.</summary>
    public long Echoed => _tally.Echoed;

    /// <summary>Packets that were not a ping we can answer (not the ping JSON, no sender identity, pong too large).</summary>
    public long Malformed => _tally.Dropped;

    /// <summary>Pongs that could not be sent (the stack's queue was full, or the session had ended).</summary>
    public long SendFailed => _tally.SendFailed;

    public PlatformRoomActivity Activity => _tally.Activity;

    /// <summary>Why the echo left (first reason wins), or null while it is in the room or when the server ended it.</summary>
    public string? LeaveReason => Volatile.Read(ref _leaveReason);

    /// <summary>"open", "deleted", "already gone" or "delete failed": what became of the LiveKit room.</summary>
    public string RoomState
    {
        get => _roomState;
        set => _roomState = value;
    }

    /// <summary>
    /// Starts watching for the runner: if it has not joined within <paramref name="idleTimeout"/>, the echo leaves; once
    /// it has, the echo leaves when LiveKit reports it DISCONNECTED. Call once, after the join.
    /// </summary>
    public void WatchForRunner(TimeSpan idleTimeout, TimeProvider time) => _ = WatchForRunnerAsync(idleTimeout, time);

    /// <summary>Leaves the room (idempotent; the first reason is kept).</summary>
    public Task LeaveAsync(string reason)
    {
        Interlocked.CompareExchange(ref _leaveReason, reason, null);
        return Participant.LeaveAsync();
    }

    /// <summary>A snapshot for GET /rooms.</summary>
    public LiveKitRoomDetails Describe()
    {
        var outcome = Participant.Outcome;
        string echo = outcome is null ? "in the room" : "left: " + (LeaveReason ?? outcome.ToString());
        string runner = _runnerLeft ? "left" : _runnerJoined ? "in the room" : "not joined yet";
        return new LiveKitRoomDetails(RoomName, EchoIdentity, RunnerIdentity, echo, runner, Echoed, Malformed, SendFailed, RoomState,
            Participant.ServerInfo?.Region, Participant.ServerInfo?.NodeId);
    }

    public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
    {
        if (senderIdentity.Length == 0 || !PingCodec.TryReadPing(payload, out var ping))
        {
            _tally.Drop();
            return;
        }

        byte[] pong = kind == LiveKitDataKind.Reliable ? _reliablePong : _lossyPong;
        int length = PingCodec.WritePong(pong, ping, receivedNs, _clock.NowNs(), _wallAnchorUs);
        if (length > LiveKitParticipant.MaxPayloadBytes)
        {
            _tally.Drop(); // A ping so large its pong exceeds LiveKit's packet limit.
            return;
        }

        _tally.Answering(receivedNs);
        bool sent;
        try
        {
            sent = _send(kind, pong.AsSpan(0, length), senderIdentity);
        }
        catch (InvalidOperationException)
        {
            sent = false; // The session ended under us.
        }

        if (!sent)
        {
            _tally.NotSent();
        }
    }

    private async Task WatchForRunnerAsync(TimeSpan idleTimeout, TimeProvider time)
    {
        try
        {
            using (var timeout = new CancellationTokenSource(idleTimeout, time))
            {
                await Participant.WaitForParticipantAsync(RunnerIdentity, timeout.Token).ConfigureAwait(false);
            }

            _runnerJoined = true;

            // No timeout: this completes when LiveKit reports the runner DISCONNECTED, or throws when our session ends.
            await Participant.WaitForParticipantGoneAsync(RunnerIdentity, CancellationToken.None).ConfigureAwait(false);
            _runnerLeft = true;
            await LeaveAsync("the runner left").ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await LeaveAsync($"the runner did not join within the room's idle timeout ({idleTimeout.TotalSeconds:0} s)").ConfigureAwait(false);
        }
        catch (LiveKitException)
        {
            // The session ended first (closed, deleted, signalling lost): nothing to wait for.
        }
    }
}
