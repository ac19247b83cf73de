using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sdp;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// TURN relay candidates (RFC 8656) from <see cref="PeerConnectionOptions.IceServers"/>: the core does the relay
/// (<see cref="RtcCoreOptions.Turn"/>: the relay as a second local candidate, permissions, the channel, relayed DTLS).
/// The shell resolves the server's name and gathers from creation, before any description exists (an offerer awaits
/// <see cref="WhenGatheringComplete"/> before its offer): until the core exists it drives the <see cref="TurnClient"/>
/// itself on the connection's socket, and the core then adopts it as is (<see cref="RtcCoreOptions.AdoptTurnClient"/>),
/// so the relay candidate already signalled is the one ICE pairs.
/// </summary>
public sealed partial class PeerConnection
{
    private readonly TaskCompletionSource _gathered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _relayStatus = "no TURN server given";
    private IceServerUrl? _turnUrl;
    private TurnCredentials? _turnCredentials;
    private TurnClient? _turnClient;
    private long _gatheringDeadlineNs = RtcTime.Never;
    private Action<PeerConnection, string>? _localCandidateGathered;
    private string[] _raisedCandidates = [];

    /// <summary>
    /// Completes when gathering is done: at once without a TURN server; else when the allocation succeeded (the relay
    /// candidate is then in <see cref="LocalCandidates"/>), failed, or <see cref="PeerConnectionOptions.GatheringTimeout"/>
    /// passed, or the connection ended. Never faults.
    /// </summary>
    public Task WhenGatheringComplete => _gathered.Task;

    /// <summary>
    /// Raised for each candidate gathered after creation (the relay candidate, and a srflx one behind a NAT): trickle it.
    /// Runs on the thread that drove the connection (the socket's receive thread, as the allocation's answer arrives),
    /// under its lock. A handler added after some were raised (the allocation can finish before the caller subscribes)
    /// gets those at once, on the subscribing thread, so none is missed and none comes twice.
    /// </summary>
    public event Action<PeerConnection, string>? LocalCandidateGathered
    {
        add
        {
            string[] missed;
            lock (_lock)
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
            lock (_lock)
            {
                _localCandidateGathered -= value;
            }
        }
    }

    /// <summary>
    /// What became of the ICE servers, for the run record: "no TURN server given", "allocating on turn:…",
    /// "relay 1.2.3.4:50000 via turn:…", or why not (unsupported URLs only, DNS failure, the allocation's error).
    /// Never holds the credential.
    /// </summary>
    public string RelayStatus
    {
        get
        {
            lock (_lock)
            {
                return _core is { Options.Turn: not null } core ? core.RelayStatus : _relayStatus;
            }
        }
    }

    /// <summary>The TURN client's counters and state, once gathering started (null without a TURN server).</summary>
    public TurnClient? Turn => _turnClient;

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
        _turnCredentials = new TurnCredentials(turn.Server.Username!, turn.Server.Credential!);
        _relayStatus = $"allocating on {turn.Url}";
        lock (_lock)
        {
            _gatheringDeadlineNs = _clock() + RtcTime.FromTimeSpan(_options.GatheringTimeout);
            _timer.Arm(_gatheringDeadlineNs);
        }

        if (IPAddress.TryParse(turn.Url.Host, out var literal))
        {
            StartAllocation(new IPEndPoint(literal, turn.Url.Port));
            return;
        }

        _ = ResolveAndAllocateAsync(turn.Url);
    }

    private async Task ResolveAndAllocateAsync(IceServerUrl url)
    {
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(url.Host).ConfigureAwait(false);
            var address = Array.Find(addresses, a => a.AddressFamily == _options.LocalAddress.AddressFamily);
            if (address is null)
            {
                lock (_lock)
                {
                    RelayFailed($"TURN server {url.Host} has no {Family()} address");
                }

                return;
            }

            StartAllocation(new IPEndPoint(address, url.Port));
        }
        catch (SocketException ex)
        {
            lock (_lock)
            {
                RelayFailed($"cannot resolve TURN server {url.Host}: {ex.Message}");
            }
        }
    }

    private string Family() => _options.LocalAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    /// <summary>The allocation request goes out from our socket, driven by the shell until the core adopts the client.</summary>
    private void StartAllocation(IPEndPoint server)
    {
        lock (_lock)
        {
            if (_released || _state is PeerConnectionState.Failed or PeerConnectionState.Closed)
            {
                return;
            }

            if (server.AddressFamily != _options.LocalAddress.AddressFamily)
            {
                RelayFailed($"TURN server {server} is not {Family()} like our socket");
                return;
            }

            if (_core is not null)
            {
                RelayFailed($"TURN server {_turnUrl} resolved after the connection started: no relay");
                return;
            }

            var turn = new TurnClient(server, _turnCredentials!);
            _turnClient = turn;
            turn.Allocate(_clock());
            DrainShellTurn();
        }
    }

    /// <summary>Under the lock, at the start: the core takes the relay over (options), or cannot go on without it.</summary>
    private RtcCoreOptions? WithRelay(RtcCoreOptions options)
    {
        if (_turnUrl is null)
        {
            return options;
        }

        if (_turnClient is not { } turn)
        {
            if (!UseHostCandidate)
            {
                if (_relayStatus.StartsWith("allocating", StringComparison.Ordinal))
                {
                    RelayFailed($"TURN server {_turnUrl} not resolved before the connection started");
                }

                Fail(PeerPhase.Ice, PeerFailureReason.RelayFailed, _relayStatus);
                return null;
            }

            return options;
        }

        return options with
        {
            Turn = new RtcTurnOptions
            {
                Server = turn.Server,
                Credentials = _turnCredentials!,
                Url = _turnUrl.ToString(),
                // WhenGatheringComplete is the shell's (from creation); the core's own deadline only words its status.
                GatheringTimeoutNs = RtcTime.FromTimeSpan(_options.GatheringTimeout),
            },
            RelayOnly = !UseHostCandidate,
            AdoptTurnClient = turn,
        };
    }

    /// <summary>Timer, before the core exists: the TURN client's timers and the gathering deadline.</summary>
    private void ServiceRelay(long nowNs)
    {
        if (_core is not null)
        {
            return;
        }

        if (_turnClient is { } turn && nowNs >= turn.NextTimeoutNs)
        {
            turn.HandleTimeout(nowNs);
            DrainShellTurn();
        }

        if (nowNs >= _gatheringDeadlineNs)
        {
            _gatheringDeadlineNs = RtcTime.Never;
            if (!_gathered.Task.IsCompleted)
            {
                _relayStatus = $"no relay yet: {_turnUrl} did not answer within {_options.GatheringTimeout.TotalSeconds:0.###} s (still trying)";
                _gathered.TrySetResult();
            }
        }

        if (!_released)
        {
            _timer.Arm(NextRelayDeadline());
        }
    }

    /// <summary>Before the core exists, the shell's own deadlines (the core has its own afterwards).</summary>
    private long NextRelayDeadline() =>
        _core is not null ? RtcTime.Never : Math.Min(_gatheringDeadlineNs, _turnClient?.NextTimeoutNs ?? RtcTime.Never);

    /// <summary>Receive thread, before the core exists: a datagram from the TURN server. True when it was the server's.</summary>
    private bool ReceiveForShellTurn(ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        if (_turnClient is not { } turn || !from.Equals(turn.Server))
        {
            return false;
        }

        turn.HandleDatagram(_clock(), datagram);
        DrainShellTurn();
        return true;
    }

    bool Net.IRtcDatagramHandler.OnChannelData(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
    {
        if (_turnClient is not { } turn || !from.Equals(turn.Server))
        {
            return false;
        }

        Receive(datagram, from, receivedNs);
        return true;
    }

    private void DrainShellTurn()
    {
        var turn = _turnClient!;
        while (turn.TryPollEvent(out var e))
        {
            switch (e.Kind)
            {
                case TurnEventKind.Allocated:
                    OnShellAllocated(turn);
                    break;
                case TurnEventKind.AllocationFailed:
                    RelayFailed($"TURN allocation on {_turnUrl} failed: {e.Error}{(e.ErrorCode != 0 ? $" ({e.ErrorCode})" : string.Empty)}");
                    break;
            }
        }

        while (turn.TryPollTransmit(out var t))
        {
            if (!_released)
            {
                _socket.SendTo(t.Payload, t.Destination);
            }
        }

        if (!_released)
        {
            _timer.Arm(NextRelayDeadline());
        }
    }

    /// <summary>Before the core: the relay candidate (and a srflx one behind a NAT), as the core words them once it adopts the client.</summary>
    private void OnShellAllocated(TurnClient turn)
    {
        var relayed = turn.RelayedAddress!;
        uint priority = IcePriority.Compute(IcePriority.RelayedTypePreference, IcePriority.DefaultLocalPreference, 1);
        OnLocalCandidate(new IceCandidateLine("2", 1, "udp", priority, relayed.Address.ToString(), relayed.Port, IceCandidateType.Relay,
            turn.MappedAddress?.Address.ToString(), turn.MappedAddress?.Port));
        var local = _socket.LocalEndPoint;
        if (UseHostCandidate && turn.MappedAddress is { } mapped && !mapped.Equals(local))
        {
            OnLocalCandidate(new IceCandidateLine("3", 1, "udp",
                IcePriority.Compute(IcePriority.ServerReflexiveTypePreference, IcePriority.DefaultLocalPreference, 1),
                mapped.Address.ToString(), mapped.Port, IceCandidateType.ServerReflexive, local.Address.ToString(), local.Port));
        }

        _relayStatus = $"relay {relayed} via {_turnUrl}";
        _gatheringDeadlineNs = RtcTime.Never;
        _gathered.TrySetResult();
    }

    /// <summary>Under the lock: a gathered candidate (the shell's before the core, the core's after): raised once.</summary>
    private void OnLocalCandidate(IceCandidateLine candidate)
    {
        string text = candidate.ToTrickleString();
        if (Array.IndexOf(_raisedCandidates, text) >= 0)
        {
            return;
        }

        _localCandidateStrings = Array.AsReadOnly([.. _localCandidateStrings, text]);
        _raisedCandidates = [.. _raisedCandidates, text];
        try
        {
            _localCandidateGathered?.Invoke(this, text);
        }
        catch (Exception)
        {
            _callbackErrors++;
        }
    }

    /// <summary>
    /// Under the lock, before the core exists: no relay. Gathering is complete and the status says why; a relay-only
    /// connection fails when its remote description is applied (the core adopts the failed client and fails typed,
    /// <see cref="PeerFailureReason.RelayFailed"/>, or <see cref="WithRelay"/> fails it when there is no client), so the
    /// set-up calls before that (channels, the offer) never race the TURN server's answer.
    /// </summary>
    private void RelayFailed(string reason)
    {
        _relayStatus = reason;
        _gatheringDeadlineNs = RtcTime.Never;
        _gathered.TrySetResult();
    }

    private CandidatePairInfo? RelayedSelection(IPEndPoint remote) =>
        _core is { SelectedRelayed: true } core
            ? new CandidatePairInfo(core.SelectedLocalEndpoint!, remote, RemoteCandidateType(remote), core.SelectionNominated, "relay")
            : null;

    /// <summary>At the end, before the socket goes: an allocation the core never took over is released (best effort).</summary>
    private void OnEndedRelay()
    {
        _gathered.TrySetResult();
        if (_core is null && _turnClient is { State: TurnClientState.Allocated } turn && !_released)
        {
            turn.Deallocate(_clock());
            while (turn.TryPollTransmit(out var t))
            {
                _socket.SendTo(t.Payload, t.Destination);
            }
        }
    }
}
