using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Turn;

/// <summary>
/// A sans-IO TURN client (RFC 8656, UDP transport) for one allocation on one server: Allocate with the long-term
/// credential mechanism (RFC 8489 §9.2: unauthenticated first, 401 → REALM/NONCE → authenticated retry, 438 → the
/// fresh nonce), Refresh before expiry (LIFETIME 0 deallocates), CreatePermission per peer address and ChannelBind per
/// peer endpoint, both refreshed before they expire, and data through Send/Data indications or ChannelData.
/// </summary>
/// <remarks>
/// No sockets, threads or clock reads: datagrams from the server and time go in (<see cref="HandleDatagram"/>,
/// <see cref="HandleTimeout"/>); datagrams for the server, events and the next deadline come out
/// (<see cref="TryPollTransmit"/>, <see cref="TryPollEvent"/>, <see cref="NextTimeoutNs"/>). Drain both after every
/// input. Bad bytes are dropped and counted, never thrown; misuse throws. Failures are <see cref="TurnEvent"/>s with a
/// <see cref="TurnError"/>. The password is used only for the key; it is never put in a message.
/// </remarks>
public sealed class TurnClient
{
    /// <summary>Upper bound on queued transmits and on queued events; beyond it the newest is dropped and counted.</summary>
    public const int QueueLimit = 256;

    /// <summary>Largest application datagram <see cref="Send"/> takes.</summary>
    public const int MaxDataSize = 65_000;

    private const byte ProtocolUdp = 17;
    private const int RequestBufferSize = 2048;

    private readonly TurnCredentials _credentials;
    private readonly TurnClientOptions _options;
    private readonly Queue<Transmit> _transmits = new();
    private readonly Queue<TurnEvent> _events = new();
    private readonly List<TurnTransaction> _transactions = [];
    private readonly Dictionary<IPAddress, TurnPeerState> _permissions = [];
    private readonly Dictionary<IPEndPoint, TurnPeerState> _channelsByPeer = [];
    private readonly Dictionary<ushort, TurnPeerState> _channelsByNumber = [];
    private readonly byte[] _requestBuffer = new byte[RequestBufferSize];
    private byte[]? _realm;
    private byte[]? _nonce;
    private byte[]? _key;
    private ushort _nextChannel = TurnChannelData.FirstChannel;
    private long _refreshAtNs = RtcTime.Never;
    private bool _refreshPending;

    public TurnClient(IPEndPoint server, TurnCredentials credentials, TurnClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(credentials);
        Server = server;
        _credentials = credentials;
        _options = options ?? new TurnClientOptions();
        _options.Validate();
    }

    public IPEndPoint Server { get; }

    public TurnClientState State { get; private set; } = TurnClientState.New;

    /// <summary>Why the allocation failed (<see cref="TurnClientState.Failed"/>), else <see cref="TurnError.None"/>.</summary>
    public TurnError Error { get; private set; }

    /// <summary>The server's STUN error code behind <see cref="Error"/> (0 for a timeout).</summary>
    public int ErrorCode { get; private set; }

    /// <summary>XOR-RELAYED-ADDRESS: where peers send to reach us (a relay candidate).</summary>
    public IPEndPoint? RelayedAddress { get; private set; }

    /// <summary>XOR-MAPPED-ADDRESS of the Allocate response: our address as the server saw it (server-reflexive).</summary>
    public IPEndPoint? MappedAddress { get; private set; }

    /// <summary>When the allocation expires unless refreshed; <see cref="RtcTime.Never"/> when there is none.</summary>
    public long AllocationExpiresNs { get; private set; } = RtcTime.Never;

    public long RequestsSent { get; private set; }

    public long Retransmissions { get; private set; }

    /// <summary>Datagrams from the server that were neither valid STUN nor valid ChannelData, or lacked what they need.</summary>
    public long Malformed { get; private set; }

    /// <summary>Valid messages we had no use for (answers to finished transactions, unknown channels, other methods).</summary>
    public long Ignored { get; private set; }

    /// <summary>Responses whose MESSAGE-INTEGRITY was wrong or missing.</summary>
    public long IntegrityFailures { get; private set; }

    public long StaleNonces { get; private set; }

    public long QueueOverflows { get; private set; }

    /// <summary>The channel bound to <paramref name="peer"/> (confirmed by the server), or 0.</summary>
    public ushort GetBoundChannel(IPEndPoint peer) =>
        _channelsByPeer.TryGetValue(peer, out var channel) && channel.Installed ? channel.Channel : (ushort)0;

    /// <summary>Whether the server confirmed a permission for <paramref name="peer"/>.</summary>
    public bool HasPermission(IPAddress peer) => _permissions.TryGetValue(peer, out var p) && p.Installed;

    /// <summary>Sends Allocate (REQUESTED-TRANSPORT UDP, LIFETIME), unauthenticated first as RFC 8489 §9.2.3 does.</summary>
    public void Allocate(long nowNs)
    {
        if (State != TurnClientState.New)
        {
            throw new InvalidOperationException("Allocate is called once, on a new client.");
        }

        State = TurnClientState.Allocating;
        Start(nowNs, TurnRequestKind.Allocate, peer: null, channel: 0, lifetime: 0, staleRetries: 0);
    }

    /// <summary>
    /// Installs a permission for <paramref name="peer"/> (only the address counts, RFC 8656 §9) and keeps it refreshed.
    /// A no-op when one exists or is being made.
    /// </summary>
    public void CreatePermission(long nowNs, IPAddress peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        EnsureAllocated();
        if (_permissions.ContainsKey(peer))
        {
            return;
        }

        var permission = new TurnPeerState(new IPEndPoint(peer, 0), 0) { Pending = true };
        _permissions[peer] = permission;
        Start(nowNs, TurnRequestKind.CreatePermission, permission.Peer, 0, 0, 0);
    }

    /// <summary>
    /// Binds the next free channel (0x4000..0x4FFF) to <paramref name="peer"/> and keeps it refreshed; returns the
    /// number (the existing one when the peer has a channel). Sends use it once <see cref="TurnEventKind.ChannelBound"/>.
    /// </summary>
    public ushort BindChannel(long nowNs, IPEndPoint peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        EnsureAllocated();
        if (_channelsByPeer.TryGetValue(peer, out var existing))
        {
            return existing.Channel;
        }

        ushort number = NextFreeChannel();
        var channel = new TurnPeerState(peer, number) { Pending = true };
        _channelsByPeer[peer] = channel;
        _channelsByNumber[number] = channel;
        Start(nowNs, TurnRequestKind.ChannelBind, peer, number, 0, 0);
        return number;
    }

    /// <summary>
    /// Relays <paramref name="data"/> to <paramref name="peer"/>: as ChannelData when a channel is bound, else as a
    /// Send indication (the server drops it without a permission). <c>false</c> when there is no allocation.
    /// </summary>
    public bool Send(IPEndPoint peer, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (data.Length > MaxDataSize)
        {
            throw new ArgumentException("The datagram is too large to relay.", nameof(data));
        }

        if (State != TurnClientState.Allocated)
        {
            return false;
        }

        byte[] payload;
        ushort channel = GetBoundChannel(peer);
        if (channel != 0)
        {
            payload = new byte[TurnChannelData.HeaderSize + data.Length];
            TurnChannelData.Write(payload, channel, data);
        }
        else
        {
            payload = new byte[StunMessageReader.HeaderSize + 8 + StunAddress.MaxValueSize + 4 + ((data.Length + 3) & ~3)];
            var writer = new StunMessageWriter(payload, new StunMessageType(StunClass.Indication, StunMethod.Send),
                StunTransactionId.New());
            writer.AddXorPeerAddress(peer);
            writer.AddData(data);
            payload = writer.ToArray();
        }

        Enqueue(new Transmit(Server, payload));
        return true;
    }

    /// <summary>Refresh with LIFETIME 0 (RFC 8656 §7.1): the server frees the allocation; then <see cref="TurnEventKind.Deallocated"/>.</summary>
    public void Deallocate(long nowNs)
    {
        EnsureAllocated();
        State = TurnClientState.Deallocating;
        _refreshAtNs = RtcTime.Never;
        _refreshPending = true;
        Start(nowNs, TurnRequestKind.Refresh, null, 0, lifetime: 0, staleRetries: 0);
    }

    /// <summary>When <see cref="HandleTimeout"/> must next be called, or <see cref="RtcTime.Never"/>.</summary>
    public long NextTimeoutNs
    {
        get
        {
            long next = State == TurnClientState.Allocated && !_refreshPending ? _refreshAtNs : RtcTime.Never;
            foreach (var transaction in _transactions)
            {
                next = Math.Min(next, transaction.DeadlineNs);
            }

            if (State == TurnClientState.Allocated)
            {
                next = Math.Min(next, EarliestRefresh(_permissions));
                next = Math.Min(next, EarliestRefresh(_channelsByPeer));
            }

            return next;
        }
    }

    public bool TryPollTransmit(out Transmit transmit) => _transmits.TryDequeue(out transmit);

    public bool TryPollEvent(out TurnEvent turnEvent) => _events.TryDequeue(out turnEvent);

    /// <summary>
    /// Handles one datagram from the server: STUN responses and Data indications, or ChannelData. <c>false</c> (and
    /// counted as malformed) when it is neither. Never throws on bad bytes.
    /// </summary>
    public bool HandleDatagram(long nowNs, ReadOnlySpan<byte> datagram)
    {
        if (TurnChannelData.LooksLikeChannelData(datagram))
        {
            HandleChannelData(datagram);
            return true;
        }

        if (!StunMessageReader.IsStun(datagram))
        {
            Malformed++;
            return false;
        }

        if (!StunMessageReader.TryRead(datagram, out var message))
        {
            Malformed++;
            return true;
        }

        switch (message.Class)
        {
            case StunClass.Indication when message.Method == StunMethod.Data:
                HandleDataIndication(message);
                break;
            case StunClass.SuccessResponse or StunClass.ErrorResponse:
                HandleResponse(nowNs, message);
                break;
            default:
                Ignored++;
                break;
        }

        return true;
    }

    /// <summary>Retransmits and times out requests, refreshes the allocation, permissions and channels. Harmless early.</summary>
    public void HandleTimeout(long nowNs)
    {
        for (int i = 0; i < _transactions.Count;)
        {
            var transaction = _transactions[i];
            if (transaction.DeadlineNs > nowNs)
            {
                i++;
                continue;
            }

            if (transaction.Transmissions < _options.MaxTransmissions)
            {
                Retransmissions++;
                transaction.Sent(nowNs, _options);
                Enqueue(new Transmit(Server, transaction.Payload));
                i++;
                continue;
            }

            _transactions.RemoveAt(i);
            Fail(transaction, TurnError.Timeout, 0);
        }

        if (State != TurnClientState.Allocated)
        {
            return;
        }

        if (!_refreshPending && _refreshAtNs <= nowNs)
        {
            _refreshPending = true;
            Start(nowNs, TurnRequestKind.Refresh, null, 0, _options.RequestedLifetimeSeconds, 0);
        }

        RefreshDue(nowNs, _permissions.Values, TurnRequestKind.CreatePermission);
        RefreshDue(nowNs, _channelsByPeer.Values, TurnRequestKind.ChannelBind);
    }

    private void RefreshDue(long nowNs, IEnumerable<TurnPeerState> states, TurnRequestKind kind)
    {
        foreach (var state in states)
        {
            if (!state.Pending && state.RefreshAtNs <= nowNs)
            {
                state.Pending = true;
                Start(nowNs, kind, state.Peer, state.Channel, 0, 0);
            }
        }
    }

    // Generic over the concrete dictionary so foreach uses its struct enumerator: NextTimeoutNs is read on every turn of
    // a peer connection's loop, and through IEnumerable it boxed two enumerators (80 B) each time (bench/results/relay.md).
    private static long EarliestRefresh<TKey>(Dictionary<TKey, TurnPeerState> states)
        where TKey : notnull
    {
        long next = RtcTime.Never;
        foreach (var state in states.Values)
        {
            if (!state.Pending)
            {
                next = Math.Min(next, state.RefreshAtNs);
            }
        }

        return next;
    }

    private void HandleChannelData(ReadOnlySpan<byte> datagram)
    {
        if (!TurnChannelData.TryRead(datagram, out ushort number, out int length))
        {
            Malformed++;
            return;
        }

        if (!_channelsByNumber.TryGetValue(number, out var channel))
        {
            Ignored++;
            return;
        }

        Emit(new TurnEvent(TurnEventKind.DataReceived, channel.Peer,
            datagram.Slice(TurnChannelData.HeaderSize, length).ToArray(), Channel: number));
    }

    private void HandleDataIndication(StunMessage message)
    {
        if (!message.TryGetXorPeerAddress(out var peer) || !message.TryGetData(out var data))
        {
            Malformed++;
            return;
        }

        Emit(new TurnEvent(TurnEventKind.DataReceived, peer, data.ToArray()));
    }

    private void HandleResponse(long nowNs, StunMessage message)
    {
        int index = _transactions.FindIndex(t => t.Id == message.TransactionId);
        if (index < 0)
        {
            Ignored++;
            return;
        }

        var transaction = _transactions[index];
        if (!ExpectedMethod(transaction.Kind, message.Method))
        {
            Malformed++;
            return;
        }

        // RFC 8489 §9.2.5: an answer to an authenticated request must carry a valid MESSAGE-INTEGRITY, except the
        // 400/401/438 the server could not authenticate. Anything else (forged, corrupted) is dropped and the
        // transaction left running.
        bool integrityPresent = message.Contains(StunAttributeType.MessageIntegrity);
        if (integrityPresent && _key is not null && !message.VerifyIntegrity(_key))
        {
            IntegrityFailures++;
            return;
        }

        if (message.Class == StunClass.SuccessResponse)
        {
            if (transaction.Authenticated && !integrityPresent)
            {
                IntegrityFailures++;
                return;
            }

            _transactions.RemoveAt(index);
            HandleSuccess(nowNs, transaction, message);
            return;
        }

        if (!message.TryGetErrorCode(out var error))
        {
            Malformed++;
            return;
        }

        _transactions.RemoveAt(index);
        HandleError(nowNs, transaction, message, error.Code);
    }

    private static bool ExpectedMethod(TurnRequestKind kind, StunMethod method) => kind switch
    {
        TurnRequestKind.Allocate => method == StunMethod.Allocate,
        TurnRequestKind.Refresh => method == StunMethod.Refresh,
        TurnRequestKind.CreatePermission => method == StunMethod.CreatePermission,
        _ => method == StunMethod.ChannelBind,
    };

    private void HandleError(long nowNs, TurnTransaction transaction, StunMessage message, int code)
    {
        if (code == StunErrorCode.Unauthenticated && !transaction.Authenticated
            && message.TryGetAttribute(StunAttributeType.Realm, out var realm)
            && message.TryGetAttribute(StunAttributeType.Nonce, out var nonce))
        {
            _realm = realm.Value.ToArray();
            _nonce = nonce.Value.ToArray();
            _key = _credentials.ComputeKey(_realm);
            Start(nowNs, transaction.Kind, transaction.Peer, transaction.Channel, transaction.Lifetime, 0);
            return;
        }

        if (code == StunErrorCode.StaleNonce && message.TryGetAttribute(StunAttributeType.Nonce, out var fresh))
        {
            StaleNonces++;
            if (transaction.StaleRetries < _options.MaxStaleNonceRetries)
            {
                _nonce = fresh.Value.ToArray();
                if (message.TryGetAttribute(StunAttributeType.Realm, out var newRealm)
                    && (_realm is null || !newRealm.Value.Span.SequenceEqual(_realm)))
                {
                    _realm = newRealm.Value.ToArray();
                    _key = _credentials.ComputeKey(_realm);
                }

                Start(nowNs, transaction.Kind, transaction.Peer, transaction.Channel, transaction.Lifetime,
                    transaction.StaleRetries + 1);
                return;
            }

            Fail(transaction, TurnError.StaleNonce, code);
            return;
        }

        if (transaction.Kind == TurnRequestKind.Refresh && transaction.Lifetime == 0
            && code == StunErrorCode.AllocationMismatch)
        {
            Closed(); // RFC 8656 §7.3: 437 to a deallocating Refresh means it is gone already.
            return;
        }

        Fail(transaction, Classify(code), code);
    }

    private static TurnError Classify(int code) => code switch
    {
        StunErrorCode.Unauthenticated => TurnError.Unauthorized,
        StunErrorCode.Forbidden => TurnError.Forbidden,
        StunErrorCode.AllocationMismatch => TurnError.AllocationMismatch,
        StunErrorCode.StaleNonce => TurnError.StaleNonce,
        StunErrorCode.WrongCredentials => TurnError.WrongCredentials,
        StunErrorCode.UnsupportedTransportProtocol => TurnError.UnsupportedTransport,
        StunErrorCode.AllocationQuotaReached => TurnError.QuotaReached,
        StunErrorCode.InsufficientCapacity => TurnError.InsufficientCapacity,
        _ => TurnError.Rejected,
    };

    private void HandleSuccess(long nowNs, TurnTransaction transaction, StunMessage message)
    {
        switch (transaction.Kind)
        {
            case TurnRequestKind.Allocate:
                if (State != TurnClientState.Allocating)
                {
                    Ignored++;
                    return;
                }

                if (!message.TryGetXorRelayedAddress(out var relayed))
                {
                    Fail(transaction, TurnError.BadResponse, 0);
                    return;
                }

                RelayedAddress = relayed;
                MappedAddress = message.TryGetXorMappedAddress(out var mapped) ? mapped : null;
                State = TurnClientState.Allocated;
                ScheduleRefresh(nowNs, message);
                Emit(new TurnEvent(TurnEventKind.Allocated, relayed));
                break;
            case TurnRequestKind.Refresh:
                _refreshPending = false;
                if (transaction.Lifetime == 0)
                {
                    Closed();
                    return;
                }

                if (State == TurnClientState.Allocated)
                {
                    ScheduleRefresh(nowNs, message);
                    Emit(new TurnEvent(TurnEventKind.Refreshed));
                }

                break;
            case TurnRequestKind.CreatePermission:
                Confirm(nowNs, _permissions, transaction.Peer!.Address, _options.PermissionRefreshNs,
                    TurnEventKind.PermissionCreated);
                break;
            default:
                Confirm(nowNs, _channelsByPeer, transaction.Peer!, _options.ChannelRefreshNs, TurnEventKind.ChannelBound);
                break;
        }
    }

    private void Confirm<TKey>(long nowNs, Dictionary<TKey, TurnPeerState> table, TKey key, long refreshNs,
        TurnEventKind firstTime)
        where TKey : notnull
    {
        if (State != TurnClientState.Allocated || !table.TryGetValue(key, out var state))
        {
            Ignored++;
            return;
        }

        state.Pending = false;
        state.RefreshAtNs = nowNs + refreshNs;
        if (!state.Installed)
        {
            state.Installed = true;
            Emit(new TurnEvent(firstTime, state.Peer, Channel: state.Channel));
        }
    }

    /// <summary>Refresh one minute before expiry (half-way for lifetimes under two minutes).</summary>
    private void ScheduleRefresh(long nowNs, StunMessage message)
    {
        long lifetimeNs = (message.TryGetLifetime(out uint seconds) ? seconds : _options.RequestedLifetimeSeconds)
            * RtcTime.NsPerSecond;
        AllocationExpiresNs = nowNs + lifetimeNs;
        long before = lifetimeNs >= 120 * RtcTime.NsPerSecond ? 60 * RtcTime.NsPerSecond : lifetimeNs / 2;
        _refreshAtNs = nowNs + lifetimeNs - before;
    }

    private void Fail(TurnTransaction transaction, TurnError error, int code)
    {
        switch (transaction.Kind)
        {
            case TurnRequestKind.CreatePermission:
                if (_permissions.Remove(transaction.Peer!.Address))
                {
                    Emit(new TurnEvent(TurnEventKind.PermissionFailed, transaction.Peer, Error: error, ErrorCode: code));
                }

                break;
            case TurnRequestKind.ChannelBind:
                if (_channelsByPeer.Remove(transaction.Peer!, out var channel))
                {
                    _channelsByNumber.Remove(channel.Channel);
                    Emit(new TurnEvent(TurnEventKind.ChannelBindFailed, transaction.Peer, Error: error, ErrorCode: code,
                        Channel: channel.Channel));
                }

                break;
            default:
                if (State is TurnClientState.Closed or TurnClientState.Failed)
                {
                    return;
                }

                State = TurnClientState.Failed;
                Error = error;
                ErrorCode = code;
                Forget();
                Emit(new TurnEvent(TurnEventKind.AllocationFailed, Error: error, ErrorCode: code));
                break;
        }
    }

    private void Closed()
    {
        State = TurnClientState.Closed;
        Forget();
        Emit(new TurnEvent(TurnEventKind.Deallocated));
    }

    private void Forget()
    {
        _transactions.Clear();
        _permissions.Clear();
        _channelsByPeer.Clear();
        _channelsByNumber.Clear();
        _refreshAtNs = RtcTime.Never;
        _refreshPending = false;
        AllocationExpiresNs = RtcTime.Never;
    }

    private void Start(long nowNs, TurnRequestKind kind, IPEndPoint? peer, ushort channel, uint lifetime,
        int staleRetries)
    {
        var id = StunTransactionId.New();
        var method = kind switch
        {
            TurnRequestKind.Allocate => StunMethod.Allocate,
            TurnRequestKind.Refresh => StunMethod.Refresh,
            TurnRequestKind.CreatePermission => StunMethod.CreatePermission,
            _ => StunMethod.ChannelBind,
        };
        var writer = new StunMessageWriter(_requestBuffer, new StunMessageType(StunClass.Request, method), id);
        switch (kind)
        {
            case TurnRequestKind.Allocate:
                writer.AddRequestedTransport(ProtocolUdp);
                writer.AddLifetime(_options.RequestedLifetimeSeconds);
                break;
            case TurnRequestKind.Refresh:
                writer.AddLifetime(lifetime);
                break;
            case TurnRequestKind.CreatePermission:
                writer.AddXorPeerAddress(peer!);
                break;
            default:
                writer.AddChannelNumber(channel);
                writer.AddXorPeerAddress(peer!);
                break;
        }

        bool authenticated = _key is not null;
        if (authenticated)
        {
            writer.AddUsername(_credentials.Username);
            writer.AddRaw(StunAttributeType.Realm, _realm);
            writer.AddRaw(StunAttributeType.Nonce, _nonce);
            writer.AddMessageIntegrity(_key);
        }

        writer.AddFingerprint();
        var transaction = new TurnTransaction(kind, id, writer.ToArray(), authenticated)
        {
            Peer = peer,
            Channel = channel,
            Lifetime = lifetime,
            StaleRetries = staleRetries,
        };
        transaction.Sent(nowNs, _options);
        _transactions.Add(transaction);
        RequestsSent++;
        Enqueue(new Transmit(Server, transaction.Payload));
    }

    private ushort NextFreeChannel()
    {
        for (int i = 0; i <= TurnChannelData.LastChannel - TurnChannelData.FirstChannel; i++)
        {
            ushort candidate = _nextChannel;
            _nextChannel = candidate == TurnChannelData.LastChannel ? TurnChannelData.FirstChannel : (ushort)(candidate + 1);
            if (!_channelsByNumber.ContainsKey(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Every TURN channel number is in use.");
    }

    private void EnsureAllocated()
    {
        if (State != TurnClientState.Allocated)
        {
            throw new InvalidOperationException("The TURN client has no allocation.");
        }
    }

    private void Enqueue(Transmit transmit)
    {
        if (_transmits.Count >= QueueLimit)
        {
            QueueOverflows++;
            return;
        }

        _transmits.Enqueue(transmit);
    }

    private void Emit(TurnEvent turnEvent)
    {
        if (_events.Count >= QueueLimit)
        {
            QueueOverflows++;
            return;
        }

        _events.Enqueue(turnEvent);
    }
}
