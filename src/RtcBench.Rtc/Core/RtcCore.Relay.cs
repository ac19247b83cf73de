using System.Buffers;
using System.Globalization;
using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Sdp;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Core;

/// <summary>
/// TURN (RFC 8656, UDP) composed into the core, as <c>PeerConnection.Relay</c> does it: one <see cref="TurnClient"/>
/// on <see cref="RtcCoreOptions.LocalEndpoint"/>; datagrams from <see cref="RtcTurnOptions.Server"/> are its (STUN
/// answers, Data indications, ChannelData), everything else takes the host path. The relayed address is a second local
/// candidate of the full <see cref="IceAgent"/>; what the relay unwraps is demultiplexed again (STUN to ICE on the
/// relay candidate, DTLS to the engine), with the outer datagram's receive time. A relayed selection binds a channel;
/// DTLS goes out as a Send indication until it is bound, then as ChannelData, written into a pooled buffer; ChannelData
/// on the selected channel is unwrapped without a copy (the hot path allocates nothing).
/// </summary>
public sealed partial class RtcCore
{
    /// <summary>What a Send indication adds around a datagram: header 20, XOR-PEER-ADDRESS 24 (IPv6), DATA 4 + padding 3.</summary>
    private const int SendIndicationOverhead = 64;

    /// <summary>Remote addresses remembered for permissions (as the agent's pair limit, 32).</summary>
    private const int MaxPermittedAddresses = 32;

    private readonly TurnClient? _turn;
    private readonly List<IPAddress> _permitted = [];
    private readonly List<IceCandidateLine> _gathered = [];
    private string _relayStatus;
    private int _relayLocal = -1;
    private bool _gatheringComplete;
    private long _gatheringDeadlineNs = RtcTime.Never;
    private bool _selectedRelayed;
    private IPEndPoint? _relayPeer;
    private ushort _relayChannel;

    /// <summary>
    /// The TURN client (null without <see cref="RtcCoreOptions.Turn"/>): its state, <c>RelayedAddress</c>,
    /// <c>MappedAddress</c>, <c>Error</c>/<c>ErrorCode</c>, counters and bound channels. Read it; the core drives it.
    /// </summary>
    public TurnClient? Turn => _turn;

    /// <summary>
    /// What became of the TURN server, for the run record: "no TURN server given", "allocating on turn:…",
    /// "relay 1.2.3.4:50000 via turn:…", or why not (the allocation's typed error, a timeout). Never the credential.
    /// </summary>
    public string RelayStatus => _relayStatus;

    /// <summary>Whether <see cref="RtcOutputKind.GatheringComplete"/> has been emitted.</summary>
    public bool IsGatheringComplete => _gatheringComplete;

    /// <summary>The candidates gathered after the start (also emitted as <see cref="RtcOutputKind.LocalCandidate"/>).</summary>
    public IReadOnlyList<IceCandidateLine> GatheredCandidates => _gathered;

    /// <summary>Whether the selected pair's local candidate is the TURN relay (false before a selection).</summary>
    public bool SelectedRelayed => _remote is not null && _selectedRelayed;

    /// <summary>Our candidate of the selected pair: the relayed address when relayed, else the local endpoint; null before.</summary>
    public IPEndPoint? SelectedLocalEndpoint =>
        _remote is null ? null : _selectedRelayed ? _turn!.RelayedAddress : _options.LocalEndpoint;

    private static IceAgentOptions WithoutHost(IceAgentOptions o) => new()
    {
        PacingIntervalNs = o.PacingIntervalNs,
        InitialRtoNs = o.InitialRtoNs,
        MaxTransmissions = o.MaxTransmissions,
        LastWaitMultiplier = o.LastWaitMultiplier,
        ConnectTimeoutNs = o.ConnectTimeoutNs,
        ConsentIntervalNs = o.ConsentIntervalNs,
        ConsentTimeoutNs = o.ConsentTimeoutNs,
        Role = o.Role,
        RemoteIsLite = o.RemoteIsLite,
        TieBreaker = o.TieBreaker,
        RandomSeed = o.RandomSeed,
        LocalCandidatePriority = o.LocalCandidatePriority,
        UseHostCandidate = false,
        PeerReflexivePriority = o.PeerReflexivePriority,
        MaxPairs = o.MaxPairs,
    };

    private string TurnUrl => _options.Turn!.DisplayUrl;

    /// <summary>At the first input: Allocate goes out, or (no TURN) gathering is complete at once.</summary>
    private void StartRelay(long nowNs)
    {
        if (_turn is not { } turn)
        {
            CompleteGathering();
            return;
        }

        _gatheringDeadlineNs = nowNs + _options.Turn!.GatheringTimeoutNs;
        if (turn.State == TurnClientState.New)
        {
            turn.Allocate(nowNs);
        }

        DrainTurn(nowNs);
        AdoptedRelayState(nowNs); // RtcCore.Shell.cs: a client the shell started before the core may be done already
    }

    /// <summary>A datagram from the TURN server's address (never thrown on: bad bytes are dropped and counted).</summary>
    private bool ReceiveFromServer(long nowNs, ReadOnlySpan<byte> datagram)
    {
        var turn = _turn!;

        // The hot path: DTLS in ChannelData on the selected relayed pair's channel goes to the engine without a copy.
        if (_relayChannel != 0 && _dtlsStarted && TurnChannelData.TryRead(datagram, out ushort channel, out int length)
            && channel == _relayChannel)
        {
            var inner = datagram.Slice(TurnChannelData.HeaderSize, length);
            if (RtcDemux.Classify(inner) == RtcPacketKind.Dtls)
            {
                if (!_agent!.AcceptsData(_relayPeer!, _relayLocal))
                {
                    DroppedDatagrams++;
                    return false;
                }

                _receivedNs = nowNs;
                _dtls.HandleDatagram(nowNs, inner);
                return true;
            }
        }

        long malformed = turn.Malformed;
        turn.HandleDatagram(nowNs, datagram);
        bool ours = turn.Malformed == malformed;
        if (!ours)
        {
            DroppedDatagrams++;
        }

        DrainTurn(nowNs);
        return ours;
    }

    private void DrainTurn(long nowNs)
    {
        var turn = _turn!;
        while (turn.TryPollEvent(out var e))
        {
            OnTurnEvent(nowNs, e);
        }

        DrainTurnTransmits();
    }

    /// <summary>The TURN client's requests and relayed ICE checks go to the server (also after the end: the deallocation).</summary>
    private void DrainTurnTransmits()
    {
        while (_turn!.TryPollTransmit(out var t))
        {
            Emit(new RtcOutput(RtcOutputKind.Transmit, t.Payload, _options.LocalEndpoint, t.Destination));
        }
    }

    private void OnTurnEvent(long nowNs, in TurnEvent e)
    {
        switch (e.Kind)
        {
            case TurnEventKind.Allocated:
                if (!Terminal)
                {
                    OnAllocated(nowNs);
                }

                break;
            case TurnEventKind.AllocationFailed:
                RelayFailed(_relayLocal >= 0
                    ? $"the TURN allocation on {TurnUrl} was lost: {e.Error} ({e.ErrorCode})"
                    : $"TURN allocation on {TurnUrl} failed: {e.Error}{(e.ErrorCode != 0 ? $" ({e.ErrorCode})" : string.Empty)}");
                break;
            case TurnEventKind.DataReceived:
                if (!Terminal)
                {
                    OnRelayedDatagram(nowNs, e.Peer!, e.Data!);
                }

                break;
            case TurnEventKind.ChannelBound when _relayPeer is { } peer && peer.Equals(e.Peer):
                _relayChannel = e.Channel;
                break;
            case TurnEventKind.ChannelBindFailed when _relayPeer is { } peer && peer.Equals(e.Peer):
                _relayChannel = 0; // back to Send indications; the client forgot the channel
                break;
        }
    }

    private void OnAllocated(long nowNs)
    {
        var turn = _turn!;
        var relayed = turn.RelayedAddress!;
        uint priority = IcePriority.Compute(IcePriority.RelayedTypePreference, IcePriority.DefaultLocalPreference, 1);
        _relayLocal = _agent!.AddLocalCandidate(priority);
        foreach (var address in _permitted)
        {
            turn.CreatePermission(nowNs, address);
        }

        var candidates = new List<IceCandidateLine>(2)
        {
            new("2", 1, "udp", priority, relayed.Address.ToString(), relayed.Port, IceCandidateType.Relay,
                turn.MappedAddress?.Address.ToString(), turn.MappedAddress?.Port),
        };

        // The server saw us from MappedAddress: behind a NAT that is a server-reflexive candidate (its base is the
        // host candidate, so ICE needs nothing new for it; the peer may reach us there).
        var local = _options.LocalEndpoint;
        if (!_options.RelayOnly && turn.MappedAddress is { } mapped && !mapped.Equals(local))
        {
            candidates.Add(new IceCandidateLine("3", 1, "udp",
                IcePriority.Compute(IcePriority.ServerReflexiveTypePreference, IcePriority.DefaultLocalPreference, 1),
                mapped.Address.ToString(), mapped.Port, IceCandidateType.ServerReflexive, local.Address.ToString(), local.Port));
        }

        _relayStatus = $"relay {relayed} via {TurnUrl}";
        foreach (var candidate in candidates)
        {
            _gathered.Add(candidate);
            Emit(new RtcOutput(RtcOutputKind.LocalCandidate, reference: candidate));
        }

        CompleteGathering();
    }

    /// <summary>No relay (any more). Relay-only ICE cannot go on without it, nor a relayed selection; else the host carries on.</summary>
    private void RelayFailed(string reason)
    {
        if (Terminal)
        {
            return;
        }

        _relayStatus = reason;
        CompleteGathering();
        if (_options.RelayOnly || (_remote is not null && _selectedRelayed))
        {
            Fail(RtcFailureReason.RelayFailed, reason);
        }
    }

    private void CompleteGathering()
    {
        _gatheringDeadlineNs = RtcTime.Never;
        if (!_gatheringComplete)
        {
            _gatheringComplete = true;
            Emit(new RtcOutput(RtcOutputKind.GatheringComplete, reference: _relayStatus));
        }
    }

    /// <summary>Timeout: the TURN client's timers and the gathering deadline.</summary>
    private void RelayTimeout(long nowNs)
    {
        if (_turn is { } turn && nowNs >= turn.NextTimeoutNs)
        {
            turn.HandleTimeout(nowNs);
            DrainTurn(nowNs);
        }

        if (nowNs >= _gatheringDeadlineNs && !Terminal)
        {
            string seconds = (_options.Turn!.GatheringTimeoutNs / (double)RtcTime.NsPerSecond).ToString("0.###", CultureInfo.InvariantCulture);
            _relayStatus = $"no relay yet: {TurnUrl} did not answer within {seconds} s (still trying)";
            CompleteGathering();
        }
    }

    private long NextRelayTimeoutNs => _turn is { } turn ? Math.Min(_gatheringDeadlineNs, turn.NextTimeoutNs) : RtcTime.Never;

    /// <summary>A remote candidate (SDP or trickled): the relay must let its checks and data through.</summary>
    private void PermitThroughRelay(long nowNs, IPEndPoint remote)
    {
        if (_turn is not { } turn || remote.AddressFamily != _options.LocalEndpoint.AddressFamily)
        {
            return;
        }

        if (!_permitted.Contains(remote.Address))
        {
            if (_permitted.Count >= MaxPermittedAddresses)
            {
                return;
            }

            _permitted.Add(remote.Address);
        }

        if (_relayLocal >= 0 && turn.State == TurnClientState.Allocated)
        {
            turn.CreatePermission(nowNs, remote.Address);
            DrainTurn(nowNs);
        }
    }

    /// <summary>A datagram a peer sent to our relayed address (the payload is the TURN client's own copy).</summary>
    private void OnRelayedDatagram(long nowNs, IPEndPoint peer, byte[] data)
    {
        switch (RtcDemux.Classify(data))
        {
            case RtcPacketKind.Stun when _relayLocal >= 0:
                _agent!.HandleDatagram(nowNs, data, peer, _relayLocal);
                DrainIce(nowNs);
                break;
            case RtcPacketKind.Dtls when !_dtlsStarted:
                if (_earlyDtls.Count < MaxEarlyDtls)
                {
                    _earlyDtls.Add((peer, _relayLocal, data));
                }
                else
                {
                    DroppedDatagrams++;
                }

                break;
            case RtcPacketKind.Dtls when _relayLocal >= 0 && _agent!.AcceptsData(peer, _relayLocal):
                _receivedNs = nowNs;
                _dtls.HandleDatagram(nowNs, data);
                break;
            default:
                DroppedDatagrams++;
                break;
        }
    }

    /// <summary>On a selection: a relayed pair routes DTLS through the server, over a channel once bound.</summary>
    private void RouteSelected(long nowNs, IPEndPoint remote, int local)
    {
        if (local < 0 || local != _relayLocal || _turn is not { State: TurnClientState.Allocated } turn)
        {
            _selectedRelayed = false;
            _relayPeer = null;
            _relayChannel = 0;
            return;
        }

        _selectedRelayed = true;
        _relayPeer = new IPEndPoint(remote.Address, remote.Port);
        _relayChannel = turn.GetBoundChannel(remote);
        if (_relayChannel == 0)
        {
            turn.BindChannel(nowNs, remote);
            DrainTurnTransmits();
        }
    }

    /// <summary>One DTLS datagram to the peer through the relay: ChannelData once bound, else a Send indication.</summary>
    private void EmitRelayed(ReadOnlySpan<byte> datagram)
    {
        var turn = _turn!;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length + SendIndicationOverhead);
        int length;
        if (_relayChannel != 0)
        {
            length = TurnChannelData.Write(buffer, _relayChannel, datagram);
        }
        else
        {
            // RFC 8656 §11.1: no integrity or fingerprint needed on a Send indication.
            var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.Indication, StunMethod.Send), StunTransactionId.New());
            writer.AddXorPeerAddress(_relayPeer!);
            writer.AddData(datagram);
            length = writer.Length;
        }

        _outputs.Enqueue((new RtcOutput(RtcOutputKind.Transmit, buffer.AsMemory(0, length), _options.LocalEndpoint, turn.Server), buffer));
    }

    /// <summary>An ICE transmit from the relay candidate goes through the TURN client (a Send indication or ChannelData).</summary>
    private void SendIceThroughRelay(in Transmit transmit)
    {
        if (_turn is { } turn && transmit.Local == _relayLocal && turn.Send(transmit.Destination, transmit.Payload))
        {
            DrainTurnTransmits();
        }
    }

    /// <summary>
    /// PollOutput, once terminal and everything else is out (so the server still relays the last DTLS words, however
    /// the core ended): the allocation is released, best effort (one Refresh with LIFETIME 0, not awaited). True when
    /// that queued a transmit.
    /// </summary>
    private bool ReleaseRelay()
    {
        if (!Terminal || _turn is not { State: TurnClientState.Allocated } turn)
        {
            return false;
        }

        turn.Deallocate(_lastInputNs);
        DrainTurnTransmits();
        return true;
    }
}
