using System.Buffers;
using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Sdp;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// TURN relay candidates (RFC 8656) from <see cref="PeerConnectionOptions.IceServers"/>: gathering, the relay as a
/// second local candidate of ICE, and DTLS through the relay once a relayed pair is selected (Turn/README.md, design
/// note). One <see cref="TurnClient"/> on the connection's own socket: datagrams from the TURN server's address are its
/// (STUN responses, Data indications, ChannelData), everything else takes the host path. What it unwraps is
/// demultiplexed again: STUN to ICE as arriving on the relay candidate, DTLS to the session when the relayed pair is
/// selected. The receive time is the outer datagram's, so latency keeps its meaning.
/// </summary>
public sealed partial class PeerConnection
{
    /// <summary>Room for a Send indication around the largest DTLS datagram we send (1200) or receive (1500).</summary>
    private const int RelaySendBufferSize = 1600;

    private readonly TaskCompletionSource _gathered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _relaySendLock = new();
    private readonly byte[] _relaySendBuffer = new byte[RelaySendBufferSize];
    private volatile string _relayStatus = "no TURN server given";
    private TurnClient? _turn;
    private IceServerUrl? _turnUrl;
    private volatile IPEndPoint? _turnServer;
    private volatile RelayRoute? _relayRoute;
    private int _relayLocal = -1;
    private uint _relayPriority;
    private bool _iceStarted;
    private long _gatheringDeadlineNs = RtcTime.Never;
    private long _turnInputNs;

    /// <summary>
    /// Completes when gathering is done: at once without a TURN server; else when the allocation succeeded (the relay
    /// candidate is then in <see cref="LocalCandidates"/>), failed, or <see cref="PeerConnectionOptions.GatheringTimeout"/>
    /// passed, or the connection ended. Never faults.
    /// </summary>
    public Task WhenGatheringComplete => _gathered.Task;

    /// <summary>
    /// Raised on the loop for each candidate gathered after creation (the relay candidate): trickle it. A handler added
    /// after some were raised (the allocation can finish before the caller subscribes) gets those at once, on the
    /// subscribing thread, so none is missed and none comes twice.
    /// </summary>
    public event Action<PeerConnection, string>? LocalCandidateGathered
    {
        add
        {
            string[] missed;
            lock (_trickleGate)
            {
                _localCandidateGathered += value;
                missed = _raisedCandidates;
            }
            foreach (string candidate in missed)
            {
                value?.Invoke(this, candidate);
            }
        }
        remove
        {
            lock (_trickleGate)
            {
                _localCandidateGathered -= value;
            }
        }
    }

    private readonly Lock _trickleGate = new();
    private Action<PeerConnection, string>? _localCandidateGathered;
    private string[] _raisedCandidates = [];

    /// <summary>
    /// What became of the ICE servers, for the run record: "no TURN server given", "allocating on turn:…",
    /// "relay 1.2.3.4:50000 via turn:…", or why not (unsupported URLs only, DNS failure, the allocation's error).
    /// Never holds the credential.
    /// </summary>
    public string RelayStatus => _relayStatus;

    /// <summary>The TURN client's counters and state, once gathering started (null without a TURN server).</summary>
    public TurnClient? Turn => _turn;

    /// <summary>Whether ICE may pair the host candidate (not under <see cref="IceTransportPolicy.Relay"/>).</summary>
    private bool UseHostCandidate => _options.IceTransportPolicy == IceTransportPolicy.All;

    /// <summary>Constructor: starts gathering when a UDP TURN server is configured, else gathering is complete.</summary>
    private void StartGathering()
    {
        if (_options.FindUdpTurnServer() is not { } turn)
        {
            if (_options.IceServers.Count > 0)
            {
                _relayStatus = "no usable TURN server: only UDP turn: URLs are supported (given: "
                    + string.Join(' ', _options.IceServers.SelectMany(s => s.Urls)) + ")";
            }

            _gathered.TrySetResult();
            return;
        }

        _turnUrl = turn.Url;
        _relayStatus = $"allocating on {turn.Url}";
        var credentials = new TurnCredentials(turn.Server.Username!, turn.Server.Credential!);
        EnsureLoop();
        Post(() => _gatheringDeadlineNs = _clock() + RtcTime.FromTimeSpan(_options.GatheringTimeout));
        if (IPAddress.TryParse(turn.Url.Host, out var literal))
        {
            Post(() => StartAllocation(new IPEndPoint(literal, turn.Url.Port), credentials));
            return;
        }

        _ = ResolveAndAllocateAsync(turn.Url, credentials);
    }

    private async Task ResolveAndAllocateAsync(IceServerUrl url, TurnCredentials credentials)
    {
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(url.Host).ConfigureAwait(false);
            var address = Array.Find(addresses, a => a.AddressFamily == _options.LocalAddress.AddressFamily);
            if (address is null)
            {
                Post(() => RelayFailed($"TURN server {url.Host} has no {Family()} address"));
                return;
            }

            Post(() => StartAllocation(new IPEndPoint(address, url.Port), credentials));
        }
        catch (SocketException ex)
        {
            Post(() => RelayFailed($"cannot resolve TURN server {url.Host}: {ex.Message}"));
        }
    }

    private string Family() => _options.LocalAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    /// <summary>Loop: the allocation request goes out from our socket.</summary>
    private void StartAllocation(IPEndPoint server, TurnCredentials credentials)
    {
        if (_stopped)
        {
            return;
        }

        if (server.AddressFamily != _options.LocalAddress.AddressFamily)
        {
            RelayFailed($"TURN server {server} is not {Family()} like our socket");
            return;
        }

        var turn = new TurnClient(server, credentials);
        _turn = turn;
        _turnServer = server;
        turn.Allocate(_clock());
        DrainTurn();
    }

    /// <summary>Loop: the ICE agent is started; candidates trickled and a relay allocated before it join now.</summary>
    private void OnIceStarted()
    {
        _iceStarted = true;
        if (_iceAgent is { } agent)
        {
            ReplayEarlyRemoteCandidates(agent);
        }

        AttachRelay();
    }

    /// <summary>Loop: the relay becomes a local candidate of the agent, with permissions for every remote candidate.</summary>
    private void AttachRelay()
    {
        if (!_iceStarted || _relayLocal >= 0 || _iceAgent is not { } agent || _turn is not { State: TurnClientState.Allocated } turn)
        {
            return;
        }

        _relayLocal = agent.AddLocalCandidate(_relayPriority);
        long now = _clock();
        foreach (var candidate in _remote!.Candidates.Concat(_trickled))
        {
            if (TryGetUsableEndpoint(candidate, out var endpoint))
            {
                turn.CreatePermission(now, endpoint!.Address);
            }
        }

        DrainTurn();
    }

    /// <summary>Loop: a remote candidate was added; the relay must let its checks and data through.</summary>
    private void PermitThroughRelay(IPEndPoint remote)
    {
        if (_relayLocal >= 0 && _turn is { State: TurnClientState.Allocated } turn)
        {
            turn.CreatePermission(_clock(), remote.Address);
            DrainTurn();
        }
    }

    /// <summary>Loop: a datagram from the TURN server (pooled buffer, returned by the caller).</summary>
    private void HandleTurnDatagram(in PeerInput input)
    {
        if (_turn is { } turn)
        {
            _turnInputNs = input.Ns;
            turn.HandleDatagram(_clock(), input.Buffer.AsSpan(0, input.Length));
            DrainTurn();
        }
    }

    private void ServiceTurn(long now)
    {
        if (_turn is { } turn && now >= turn.NextTimeoutNs)
        {
            turn.HandleTimeout(now);
            DrainTurn();
        }

        if (now >= _gatheringDeadlineNs)
        {
            _gatheringDeadlineNs = RtcTime.Never;
            if (!_gathered.Task.IsCompleted)
            {
                _relayStatus = $"no relay yet: {_turnUrl} did not answer within {_options.GatheringTimeout.TotalSeconds:0.###} s (still trying)";
                _gathered.TrySetResult();
            }
        }
    }

    private long NextTurnDeadline() => Math.Min(_gatheringDeadlineNs, _turn?.NextTimeoutNs ?? RtcTime.Never);

    private void DrainTurn()
    {
        var turn = _turn!;
        while (turn.TryPollEvent(out var e))
        {
            OnTurnEvent(e);
        }

        while (turn.TryPollTransmit(out var t))
        {
            _socket.SendTo(t.Payload, t.Destination);
        }
    }

    private void OnTurnEvent(in TurnEvent e)
    {
        if (_stopped)
        {
            return;
        }

        switch (e.Kind)
        {
            case TurnEventKind.Allocated:
                OnAllocated();
                break;
            case TurnEventKind.AllocationFailed:
                RelayFailed(_relayLocal >= 0
                    ? $"the TURN allocation on {_turnUrl} was lost: {e.Error} ({e.ErrorCode})"
                    : $"TURN allocation on {_turnUrl} failed: {e.Error}{(e.ErrorCode != 0 ? $" ({e.ErrorCode})" : string.Empty)}");
                break;
            case TurnEventKind.DataReceived:
                OnRelayedDatagram(e.Peer!, e.Data!);
                break;
            case TurnEventKind.ChannelBound when _relayRoute is { } route && route.Peer.Equals(e.Peer):
                _relayRoute = route with { Channel = e.Channel };
                break;
        }
    }

    private void OnAllocated()
    {
        var turn = _turn!;
        var relayed = turn.RelayedAddress!;
        _relayPriority = IcePriority.Compute(IcePriority.RelayedTypePreference, IcePriority.DefaultLocalPreference, 1);
        var gathered = new List<IceCandidateLine>
        {
            new("2", 1, "udp", _relayPriority, relayed.Address.ToString(), relayed.Port, IceCandidateType.Relay,
                turn.MappedAddress?.Address.ToString(), turn.MappedAddress?.Port),
        };

        // The server saw us from MappedAddress: behind a NAT that is a server-reflexive candidate (its base is the
        // host socket, so ICE needs nothing new for it; the peer may reach us there).
        if (UseHostCandidate && turn.MappedAddress is { } mapped && !mapped.Equals(_socket.LocalEndPoint))
        {
            gathered.Add(new IceCandidateLine("3", 1, "udp",
                IcePriority.Compute(IcePriority.ServerReflexiveTypePreference, IcePriority.DefaultLocalPreference, 1),
                mapped.Address.ToString(), mapped.Port, IceCandidateType.ServerReflexive,
                _socket.LocalEndPoint.Address.ToString(), _socket.LocalEndPoint.Port));
        }

        _relayStatus = $"relay {relayed} via {_turnUrl}";
        var strings = gathered.ConvertAll(c => c.ToTrickleString());
        _localCandidateStrings = Array.AsReadOnly([.. _localCandidateStrings, .. strings]);
        AttachRelay();
        Action<PeerConnection, string>? handlers;
        lock (_trickleGate)
        {
            _raisedCandidates = [.. _raisedCandidates, .. strings];
            handlers = _localCandidateGathered;
        }
        foreach (string candidate in strings)
        {
            try
            {
                handlers?.Invoke(this, candidate);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref _callbackErrors);
            }
        }

        _gatheringDeadlineNs = RtcTime.Never;
        _gathered.TrySetResult();
    }

    /// <summary>Loop: no relay (any more). Relay-only ICE cannot go on without it; otherwise host candidates carry on.</summary>
    private void RelayFailed(string reason)
    {
        _relayStatus = reason;
        _gatheringDeadlineNs = RtcTime.Never;
        _gathered.TrySetResult();
        if (!UseHostCandidate || _relayRoute is not null)
        {
            Fail(PeerPhase.Ice, PeerFailureReason.RelayFailed, reason);
        }
    }

    /// <summary>Loop: a datagram a peer sent to our relayed address (the payload is the TURN client's copy).</summary>
    private void OnRelayedDatagram(IPEndPoint peer, byte[] data)
    {
        switch (RtcDemux.Classify(data))
        {
            case RtcPacketKind.Stun when _iceAgent is { } agent && _relayLocal >= 0:
                agent.HandleDatagram(_clock(), data, peer, _relayLocal);
                DrainIce(agent);
                break;
            case RtcPacketKind.Dtls:
                if (_dtls is { } dtls && (_iceLite is null ? AcceptsDtls(peer, relayed: true) : IsSelectedPath(peer, relayed: true)))
                {
                    dtls.HandleDatagram(data, _turnInputNs);
                }
                else if (_selected is null && _earlyDtls.Count < MaxEarlyDtls)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(data.Length);
                    data.CopyTo(buffer, 0);
                    _earlyDtls.Enqueue(PeerInput.Datagram(PeerInputKind.Dtls, buffer, data.Length, peer, _turnInputNs, relayed: true));
                }
                else
                {
                    Interlocked.Increment(ref _dropped);
                }

                break;
            default:
                Interlocked.Increment(ref _dropped);
                break;
        }
    }

    /// <summary>Loop, on selection: a relayed pair routes DTLS through the TURN server, over a channel once bound.</summary>
    private void RouteSelected(IPEndPoint remote, int local)
    {
        if (local != _relayLocal || local < 0 || _turn is not { State: TurnClientState.Allocated } turn)
        {
            _relayRoute = null;
            return;
        }

        ushort bound = turn.GetBoundChannel(remote);
        _relayRoute = new RelayRoute(new IPEndPoint(remote.Address, remote.Port), turn.Server, bound);
        if (bound == 0)
        {
            turn.BindChannel(_clock(), remote);
            DrainTurn();
        }
    }

    /// <summary>Whether a datagram from <paramref name="from"/> (through the relay or not) is on the selected pair.</summary>
    private bool IsSelectedPath(IPEndPoint from, bool relayed) =>
        from.Equals(_selected) && relayed == (_relayRoute is not null);

    /// <summary>
    /// Receive thread: ChannelData from the TURN server. DTLS on the selected relayed pair's channel goes straight to
    /// the session (the hot path, no copy); anything else takes the loop.
    /// </summary>
    bool IRtcDatagramHandler.OnChannelData(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
    {
        if (!from.Equals(_turnServer))
        {
            return false;
        }

        if (_relayRoute is { Channel: not 0 } route && Volatile.Read(ref _dtls) is { } dtls
            && TurnChannelData.TryRead(datagram, out ushort channel, out int length) && channel == route.Channel)
        {
            var inner = datagram.Slice(TurnChannelData.HeaderSize, length);
            if (RtcDemux.Classify(inner) == RtcPacketKind.Dtls)
            {
                dtls.HandleDatagram(inner, receivedNs);
                return true;
            }
        }

        PostDatagram(PeerInputKind.Turn, datagram, from, receivedNs);
        return true;
    }

    /// <summary>DTLS thread (or a sender under the DTLS send lock): one datagram to the peer through the relay.</summary>
    private void SendThroughRelay(RelayRoute route, ReadOnlySpan<byte> datagram)
    {
        lock (_relaySendLock)
        {
            var buffer = _relaySendBuffer.AsSpan();
            int length;
            if (route.Channel != 0)
            {
                length = TurnChannelData.Write(buffer, route.Channel, datagram);
            }
            else
            {
                // A Send indication (RFC 8656 §11.1) until the channel is bound: no integrity, no fingerprint needed.
                var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.Indication, StunMethod.Send), StunTransactionId.New());
                writer.AddXorPeerAddress(route.Peer);
                writer.AddData(datagram);
                length = writer.Length;
            }

            _socket.SendTo(buffer[..length], route.Server);
        }
    }

    /// <summary>End: the allocation is released (best effort: one Refresh with LIFETIME 0, no wait).</summary>
    private void ReleaseRelay()
    {
        _gathered.TrySetResult();
        if (_turn is { State: TurnClientState.Allocated } turn)
        {
            turn.Deallocate(_clock());
            while (turn.TryPollTransmit(out var t))
            {
                _socket.SendTo(t.Payload, t.Destination);
            }
        }
    }

    /// <summary>The selected relayed pair: the peer, the TURN server, and the bound channel (0 until bound).</summary>
    private sealed record RelayRoute(IPEndPoint Peer, IPEndPoint Server, ushort Channel);
}
