using System.Net;
using System.Security.Cryptography;
using System.Text;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// A full ICE agent (RFC 8445), controlling or controlled, with the host candidate and any further local candidates
/// (<see cref="AddLocalCandidate"/>: a TURN relay); sans-IO like
/// <see cref="IceLiteResponder"/>: datagrams and time in; transmits, events and <see cref="NextTimeoutNs"/> out.
/// </summary>
/// <remarks>
/// <para>Checks: after <see cref="Start"/>, one Binding request every Ta to the next pair (triggered checks first,
/// then by pair priority), carrying USERNAME <c>remoteUfrag:localUfrag</c>, ICE-CONTROLLING or ICE-CONTROLLED,
/// PRIORITY, MESSAGE-INTEGRITY keyed with the remote password, FINGERPRINT. Requests are retransmitted per RFC 8489
/// §6.2.1 (see <see cref="IceAgentOptions"/>).</para>
/// <para>Controlling (<see cref="IceRole.Controlling"/>): every check carries USE-CANDIDATE (aggressive nomination,
/// which Chromium accepts: PROTOCOLS.md §1); the first authenticated, symmetric success response selects and
/// nominates its pair; other checks are then cancelled.</para>
/// <para>Controlled (<see cref="IceRole.Controlled"/>): checks carry no USE-CANDIDATE; a pair is selected when the
/// peer has nominated it (a valid check with USE-CANDIDATE) and our own check on it has succeeded, in either order
/// (RFC 8445 §7.3.1.5, §7.2.5.3.4). Of several such pairs the highest-priority one is used (§8.1.1); a lower-priority
/// one replaces it only when the selected pair stops answering consent checks.</para>
/// <para>Data (<see cref="AcceptsData"/>): received on any valid pair, sent on the selected one (§12).</para>
/// <para>Answers the peer's checks like the lite responder and learns the source of an unknown one as a
/// peer-reflexive candidate, queuing a triggered check to it (RFC 8445 §7.3.1.3-7.3.1.4): this is how a peer
/// hidden behind an mDNS candidate is reached.</para>
/// <para>Consent (RFC 7675): once connected, a check on the selected pair every 0.8-1.2 × 5 s; no authenticated
/// response for 30 s raises <see cref="IceEventKind.ConsentExpired"/>.</para>
/// <para>Trickle (RFC 8838): remote candidates may be added at any time while checking; "every pair failed" ends
/// checking only after <see cref="EndOfRemoteCandidates"/>.</para>
/// <para>Role conflicts (RFC 8445 §7.3.1.1, §7.2.5.1): a check claiming our role is resolved by tie-breaker, answered
/// with 487 Role Conflict when we keep our role, or processed after we switch; a 487 to our check switches our role
/// and retries the check. Facing a lite peer (<see cref="IceAgentOptions.RemoteIsLite"/>) we never give up control.</para>
/// <para>Failure is an event, never a hang: <see cref="IceEventKind.Failed"/> when nothing is nominated within the
/// connect timeout, or when every pair failed after end-of-candidates.</para>
/// </remarks>
public sealed class IceAgent
{
    public const int QueueLimit = 64;

    /// <summary>The id of the host candidate: the socket itself. Further local candidates get 1, 2, …</summary>
    public const int HostCandidate = 0;

    /// <summary>Upper bound on local candidates (host included).</summary>
    public const int MaxLocalCandidates = 4;

    private const int MaxTransactions = 32;
    private const int RequestBufferSize = 512;

    private readonly IceAgentOptions _options;
    private readonly byte[] _localKey;
    private readonly byte[] _remoteKey;
    private readonly byte[] _expectedUsername;
    private readonly string _outgoingUsername;
    private readonly Random _random;
    private readonly IceCheckList _checkList;
    private readonly IceTransactionTable _transactions = new(MaxTransactions);
    private readonly Queue<Transmit> _transmits = new();
    private readonly Queue<IceEvent> _events = new();
    private readonly List<uint> _localPriorities = [];
    private readonly List<(IPEndPoint Endpoint, uint Priority)> _remotes = [];
    private readonly byte[] _scratch = new byte[RequestBufferSize];
    private IceCandidatePair? _selected;
    private long _startNs;
    private long _nextPaceNs;
    private long _nextConsentNs;
    private long _lastConsentNs;

    public IceAgent(IceCredentials local, IceCredentials remote, IceAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        _options = options ?? new IceAgentOptions();
        _options.Validate();
        Local = local;
        Remote = remote;
        TieBreaker = _options.TieBreaker ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        _random = _options.RandomSeed is { } seed ? new Random(seed) : new Random();
        _localKey = Encoding.UTF8.GetBytes(local.Password);
        _remoteKey = Encoding.UTF8.GetBytes(remote.Password);
        _expectedUsername = Encoding.UTF8.GetBytes(local.Ufrag + ":" + remote.Ufrag);
        _outgoingUsername = remote.Ufrag + ":" + local.Ufrag;
        Role = _options.Role;
        _checkList = new IceCheckList(_options.MaxPairs, Role == IceRole.Controlling);
        _localPriorities.Add(_options.LocalCandidatePriority);
    }

    /// <summary>Our current role.</summary>
    public IceRole Role { get; private set; }

    public IceCredentials Local { get; }

    public IceCredentials Remote { get; }

    public ulong TieBreaker { get; }

    public IceAgentState State { get; private set; } = IceAgentState.New;

    /// <summary>The nominated remote endpoint while <see cref="IceAgentState.Connected"/>.</summary>
    public IPEndPoint? SelectedEndpoint => State == IceAgentState.Connected ? _selected?.Remote : null;

    /// <summary>The nominated pair's local candidate id while <see cref="IceAgentState.Connected"/>, else -1.</summary>
    public int SelectedLocal => State == IceAgentState.Connected && _selected is { } s ? s.Local : -1;

    /// <summary>
    /// Adds a local candidate other than the host (RFC 8445 §5.1.1.2: a TURN relayed address) with its priority
    /// (RFC 8445 §5.1.2), before or after <see cref="Start"/>: it is paired with every remote candidate known and later
    /// ones. Its datagrams come in through <see cref="HandleDatagram"/> with the returned id, and transmits for it carry
    /// the id in <see cref="Transmit.Local"/>: the caller sends them through the relay.
    /// </summary>
    public int AddLocalCandidate(uint priority)
    {
        if (_localPriorities.Count >= MaxLocalCandidates)
        {
            throw new InvalidOperationException($"At most {MaxLocalCandidates} local candidates.");
        }

        int id = _localPriorities.Count;
        _localPriorities.Add(priority);
        if (State is IceAgentState.New or IceAgentState.Checking)
        {
            foreach (var (endpoint, remotePriority) in _remotes)
            {
                _checkList.Add(id, priority, endpoint, remotePriority, peerReflexive: false);
            }
        }

        return id;
    }

    public int PairCount => _checkList.Count;

    public long ChecksSent { get; private set; }

    public long Retransmissions { get; private set; }

    public long ChecksAnswered { get; private set; }

    public long IntegrityFailures { get; private set; }

    public long FingerprintFailures { get; private set; }

    public long Malformed { get; private set; }

    public long Ignored { get; private set; }

    public long QueueOverflows { get; private set; }

    /// <summary>487 Role Conflict responses sent (RFC 8445 §7.3.1.1).</summary>
    public long RoleConflicts { get; private set; }

    /// <summary>How often the role changed to resolve a conflict (an incoming check or a 487 response).</summary>
    public long RoleSwitches { get; private set; }

    /// <summary>Whether the peer said it has no more candidates (<c>a=end-of-candidates</c> or trickled).</summary>
    public bool RemoteCandidatesComplete { get; private set; }

    /// <summary>
    /// Adds a remote candidate, from SDP or trickled (RFC 8838), before or after <see cref="Start"/>: the check list
    /// grows and the new pair is checked in its turn, paced by Ta. Ignored once the list is full or the agent is done.
    /// </summary>
    public void AddRemoteCandidate(IPEndPoint endpoint, uint priority)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (State is not (IceAgentState.New or IceAgentState.Checking) || _remotes.Count >= _options.MaxPairs)
        {
            return;
        }

        foreach (var (known, _) in _remotes)
        {
            if (known.Equals(endpoint))
            {
                return; // Signalled again (a renegotiated offer repeats its candidates).
            }
        }

        _remotes.Add((new IPEndPoint(endpoint.Address, endpoint.Port), priority));
        for (int local = 0; local < _localPriorities.Count; local++)
        {
            if (IsActiveLocal(local))
            {
                _checkList.Add(local, _localPriorities[local], endpoint, priority, peerReflexive: false);
            }
        }
    }

    /// <summary>
    /// The peer has no more candidates (RFC 8838 §8: end-of-candidates). Only from then on can "every pair failed"
    /// end checking early; before it a trickled candidate may still arrive, and only the connect timeout ends it.
    /// </summary>
    public void EndOfRemoteCandidates()
    {
        RemoteCandidatesComplete = true;
        if (State == IceAgentState.Checking && _checkList.AllFailed())
        {
            Fail("ICE failed: every candidate pair failed.");
        }
    }

    /// <summary>Starts sending checks; the first one goes out on the next <see cref="HandleTimeout"/> at or after now.</summary>
    public void Start(long nowNs)
    {
        if (State != IceAgentState.New)
        {
            throw new InvalidOperationException("The agent has already been started.");
        }

        State = IceAgentState.Checking;
        _startNs = nowNs;
        _nextPaceNs = nowNs;
    }

    /// <summary>When <see cref="HandleTimeout"/> must next be called, or <see cref="RtcTime.Never"/>.</summary>
    public long NextTimeoutNs
    {
        get
        {
            long next = RtcTime.Never;
            if (State == IceAgentState.Checking)
            {
                next = Math.Min(next, _startNs + _options.ConnectTimeoutNs);
                if (_checkList.HasWaiting())
                {
                    next = Math.Min(next, _nextPaceNs);
                }
            }
            else if (State == IceAgentState.Connected)
            {
                next = Math.Min(_nextConsentNs, _lastConsentNs + _options.ConsentTimeoutNs);
            }
            else
            {
                return next;
            }

            return Math.Min(next, _transactions.EarliestDeadlineNs);
        }
    }

    /// <summary>
    /// Whether application data (DTLS) from <paramref name="from"/> at local candidate <paramref name="local"/> belongs
    /// to this session while <see cref="IceAgentState.Connected"/>: it came over a pair that is valid for us (our check
    /// succeeded) or for the peer (its check was answered). RFC 8445 §12.2: an agent receives data on any such pair,
    /// and sends on the selected one. The two sides' selected pairs can differ: werift, controlling with aggressive
    /// nomination, keeps the first pair whose own check succeeded, while we select the highest-priority nominated pair
    /// on which our check succeeded; dropping its DTLS from the other pair stalled the handshake.
    /// </summary>
    public bool AcceptsData(IPEndPoint from, int local = HostCandidate)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (State != IceAgentState.Connected)
        {
            return false;
        }

        if (_selected is { } selected && selected.Local == local && selected.Remote.Equals(from))
        {
            return true;
        }

        return _checkList.Find(local, from) is { } pair && (pair.State == IcePairState.Succeeded || pair.PeerChecked);
    }

    public bool TryPollTransmit(out Transmit transmit) => _transmits.TryDequeue(out transmit);

    public bool TryPollEvent(out IceEvent iceEvent) => _events.TryDequeue(out iceEvent);

    /// <summary>
    /// Handles one datagram that reached local candidate <paramref name="local"/> (the host socket, or unwrapped from a
    /// relay) from <paramref name="from"/>; <c>false</c> when it is not STUN. Never throws on bad bytes.
    /// </summary>
    public bool HandleDatagram(long nowNs, ReadOnlySpan<byte> datagram, IPEndPoint from, int local = HostCandidate)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (!StunMessageReader.IsStun(datagram))
        {
            return false;
        }

        if (State is IceAgentState.Failed or IceAgentState.Expired || !IsActiveLocal(local))
        {
            Ignored++;
            return true;
        }

        if (!StunMessageReader.TryRead(datagram, out var message))
        {
            Malformed++;
            return true;
        }

        switch (message.Class)
        {
            case StunClass.Request:
                HandleRequest(nowNs, message, from, local);
                break;
            case StunClass.SuccessResponse or StunClass.ErrorResponse:
                HandleResponse(nowNs, message, from, local);
                break;
            default:
                Ignored++;
                break;
        }

        return true;
    }

    /// <summary>Retransmits, times out, paces new checks, sends consent checks. Harmless to call early.</summary>
    public void HandleTimeout(long nowNs)
    {
        if (State is not (IceAgentState.Checking or IceAgentState.Connected))
        {
            return;
        }

        while (State is IceAgentState.Checking or IceAgentState.Connected && _transactions.NextDue(nowNs) is { } due)
        {
            if (!due.Exhausted(_options.MaxTransmissions))
            {
                Retransmissions++;
                due.Sent(nowNs, _options.InitialRtoNs, _options.MaxTransmissions, _options.LastWaitMultiplier);
                Enqueue(_transmits, new Transmit(due.Pair.Remote, due.Payload, due.Pair.Local));
                continue;
            }

            _transactions.Remove(due);
            if (!due.Consent)
            {
                PairFailed(due.Pair);
            }
        }

        if (State == IceAgentState.Connected)
        {
            HandleConsentTimers(nowNs);
        }
        else if (State == IceAgentState.Checking)
        {
            if (nowNs >= _startNs + _options.ConnectTimeoutNs)
            {
                Fail("ICE connect timeout: no candidate pair was nominated.");
                return;
            }

            if (nowNs >= _nextPaceNs && _checkList.NextToCheck() is { } pair)
            {
                SendCheck(nowNs, pair, useCandidate: Role == IceRole.Controlling, consent: false);
                _nextPaceNs = nowNs + _options.PacingIntervalNs;
            }
        }
    }

    private void HandleConsentTimers(long nowNs)
    {
        if (nowNs >= _lastConsentNs + _options.ConsentTimeoutNs)
        {
            var endpoint = _selected!.Remote;
            State = IceAgentState.Expired;
            _transactions.Clear();
            Enqueue(_events, IceEvent.ConsentExpired(endpoint));
            return;
        }

        if (Role == IceRole.Controlled && SelectedLooksLost(nowNs) && BestOtherNominated() is { } fallback)
        {
            Select(nowNs, fallback); // A peer that nominated several pairs once (werift) will not renominate.
        }

        if (nowNs >= _nextConsentNs)
        {
            SendCheck(nowNs, _selected!, useCandidate: false, consent: true);
            _nextConsentNs = nowNs + JitteredConsentInterval();
        }
    }

    private void HandleRequest(long nowNs, StunMessage request, IPEndPoint from, int local)
    {
        var verdict = IceCheckInspector.Examine(request, _expectedUsername, _localKey, _scratch, out var reply);
        if (verdict != IceCheckVerdict.Valid)
        {
            FingerprintFailures += verdict == IceCheckVerdict.FingerprintFailure ? 1 : 0;
            IntegrityFailures += verdict == IceCheckVerdict.IntegrityFailure ? 1 : 0;
            if (reply is not null)
            {
                Reply(from, reply, local);
            }

            return;
        }

        if (!ResolveRoleConflict(request, from, local))
        {
            return;
        }

        ChecksAnswered++;
        Reply(from, IceResponses.Success(_scratch, request, from, _localKey), local);
        request.TryGetPriority(out uint priority);
        if (_checkList.Find(local, from) is { } known)
        {
            known.PeerChecked = true;
        }

        if (State == IceAgentState.Connected && Role == IceRole.Controlled && request.HasUseCandidate)
        {
            Renominated(nowNs, from, priority, local);
            return;
        }

        if (State is not (IceAgentState.New or IceAgentState.Checking))
        {
            return;
        }

        var pair = _checkList.Find(local, from) ?? _checkList.Add(local, _localPriorities[local], from, priority, peerReflexive: true);
        if (pair is null)
        {
            return; // The list is full.
        }

        pair.PeerChecked = true;

        if (Role == IceRole.Controlled && request.HasUseCandidate)
        {
            pair.Nominated = true;
            if (pair.State == IcePairState.Succeeded && State == IceAgentState.Checking)
            {
                Select(nowNs, pair);
                return;
            }
        }

        if (pair.State == IcePairState.InProgress && _transactions.FindCheck(pair) is { } pending)
        {
            // The peer reaches us but our check (or its answer) may have been lost: send it again now rather than
            // waiting for its retransmission timer (RFC 8445 §7.3.1.4 would start a new transaction; the same one
            // keeps its schedule and still ends the pair if nothing ever answers).
            Retransmissions++;
            Enqueue(_transmits, new Transmit(pair.Remote, pending.Payload, pair.Local));
            return;
        }

        _checkList.Trigger(pair);
    }

    /// <summary>
    /// RFC 8445 §7.3.1.1: both sides claim the same role. False when the request was answered with 487; true when it
    /// is to be answered normally (no conflict, or we switched role).
    /// </summary>
    private bool ResolveRoleConflict(StunMessage request, IPEndPoint from, int local)
    {
        bool conflict = Role == IceRole.Controlling
            ? request.TryGetIceControlling(out ulong theirs)
            : request.TryGetIceControlled(out theirs);
        if (!conflict)
        {
            return true;
        }

        // Controlling: the larger (or equal) tie-breaker keeps the role. Controlled: the larger (or equal) one takes
        // control. Facing a lite peer we must control whatever it claims (RFC 8445 §6.1.1).
        bool weKeepOurRole = Role == IceRole.Controlling ? TieBreaker >= theirs || _options.RemoteIsLite : TieBreaker < theirs;
        if (weKeepOurRole)
        {
            RoleConflicts++;
            Reply(from, IceResponses.Error(_scratch, request, StunErrorCode.RoleConflict, true, _localKey), local);
            return false;
        }

        SwitchRole();
        return true;
    }

    /// <summary>
    /// Takes the other role (RFC 8445 §7.3.1.1, §7.2.5.1): pair priorities are recomputed and, while checking,
    /// outstanding checks are cancelled (they claimed the old role) and every pair that has not failed is checked
    /// again in the new one. Once connected only later checks (consent) change.
    /// </summary>
    private void SwitchRole()
    {
        Role = Role == IceRole.Controlling ? IceRole.Controlled : IceRole.Controlling;
        RoleSwitches++;
        _checkList.SetControlling(Role == IceRole.Controlling);
        if (State is IceAgentState.New or IceAgentState.Checking)
        {
            _transactions.Clear();
            _checkList.ResetForRecheck();
        }
    }

    private void HandleResponse(long nowNs, StunMessage response, IPEndPoint from, int local)
    {
        var transaction = _transactions.Find(response.TransactionId);
        if (transaction is null)
        {
            Ignored++;
            return;
        }

        // Forged or corrupted responses are dropped without ending the transaction (RFC 8489 §6.3.4 / §9.1.4).
        if (!response.VerifyFingerprint())
        {
            FingerprintFailures++;
            return;
        }

        if (!response.VerifyIntegrity(_remoteKey))
        {
            IntegrityFailures++;
            return;
        }

        _transactions.Remove(transaction);
        var pair = transaction.Pair;

        // RFC 8445 §7.2.5.2.1: a response from elsewhere than the request went to (or to another local candidate)
        // fails the check.
        if (!from.Equals(pair.Remote) || local != pair.Local)
        {
            if (!transaction.Consent)
            {
                PairFailed(pair);
            }

            return;
        }

        if (response.Class == StunClass.ErrorResponse)
        {
            if (response.TryGetErrorCode(out var error) && error.Code == StunErrorCode.RoleConflict)
            {
                HandleRoleConflictResponse(transaction);
            }
            else if (!transaction.Consent)
            {
                PairFailed(pair);
            }

            return;
        }

        pair.State = IcePairState.Succeeded;
        if (State == IceAgentState.Connected && ReferenceEquals(pair, _selected))
        {
            _lastConsentNs = nowNs;
        }
        else if (State == IceAgentState.Checking
                 && (Role == IceRole.Controlling ? transaction.UseCandidate : pair.Nominated))
        {
            Select(nowNs, pair);
        }
        else if (State == IceAgentState.Connected && Role == IceRole.Controlled && pair.Nominated && !transaction.Consent
                 && PrefersOverSelected(nowNs, pair))
        {
            Select(nowNs, pair); // Renomination confirmed by our own check.
        }
    }

    /// <summary>
    /// Controlled and connected: whether a nominated pair our check proved replaces the selected one. RFC 8445 §8.1.1:
    /// of several nominated pairs the highest-priority one is used (a peer with aggressive nomination, as werift,
    /// nominates every pair it checks; Chromium nominates its selected pair and any better one). A lower-priority
    /// nomination wins only once the selected pair looks lost (<see cref="SelectedLooksLost"/>): a controlling peer
    /// whose selected path broke renominates a worse one, and staying would cost the whole consent timeout.
    /// </summary>
    private bool PrefersOverSelected(long nowNs, IceCandidatePair pair) =>
        _selected is not { } selected || pair.Priority > selected.Priority || SelectedLooksLost(nowNs);

    /// <summary>
    /// No authenticated answer on the selected pair for two consent intervals: at least one consent check and its
    /// retransmissions went unanswered (answers normally come within one interval and an RTO or two).
    /// </summary>
    private bool SelectedLooksLost(long nowNs) => nowNs - _lastConsentNs > 2 * _options.ConsentIntervalNs;

    /// <summary>The highest-priority nominated pair, other than the selected one, on which our check succeeded.</summary>
    private IceCandidatePair? BestOtherNominated()
    {
        IceCandidatePair? best = null;
        var pairs = _checkList.Pairs;
        for (int i = 0; i < pairs.Count; i++)
        {
            var pair = pairs[i];
            if (pair.Nominated && pair.State == IcePairState.Succeeded && !ReferenceEquals(pair, _selected)
                && (best is null || pair.Priority > best.Priority))
            {
                best = pair;
            }
        }

        return best;
    }

    /// <summary>
    /// Controlled and connected: the controlling peer nominates another pair (renomination, as Chromium does when a
    /// better path appears; with aggressive nomination, as werift does, every pair it checks). Once our own check on it
    /// has succeeded it is selected if it is preferred (<see cref="PrefersOverSelected"/>): of higher priority, or the
    /// selected pair looks lost.
    /// </summary>
    private void Renominated(long nowNs, IPEndPoint from, uint priority, int local)
    {
        var pair = _checkList.Find(local, from) ?? _checkList.Add(local, _localPriorities[local], from, priority, peerReflexive: true);
        if (pair is null || ReferenceEquals(pair, _selected))
        {
            return;
        }

        pair.PeerChecked = true;
        pair.Nominated = true;
        if (pair.State == IcePairState.Succeeded)
        {
            if (PrefersOverSelected(nowNs, pair))
            {
                Select(nowNs, pair);
            }
        }
        else if (_transactions.FindCheck(pair) is null)
        {
            SendCheck(nowNs, pair, useCandidate: false, consent: false);
        }
    }

    /// <summary>
    /// RFC 8445 §7.2.5.1: a 487 to a check switches us to the role opposite the one that check claimed (unless we
    /// switched since), and the pair is checked again at once in the new role. A lite peer cannot be controlling: a
    /// 487 from it to our ICE-CONTROLLING fails the pair instead.
    /// </summary>
    private void HandleRoleConflictResponse(IceCheckTransaction transaction)
    {
        var pair = transaction.Pair;
        if (transaction.Role == IceRole.Controlling && _options.RemoteIsLite)
        {
            if (!transaction.Consent)
            {
                PairFailed(pair);
            }

            return;
        }

        if (transaction.Role == Role)
        {
            SwitchRole();
        }

        if (!transaction.Consent && State is IceAgentState.New or IceAgentState.Checking && pair.State != IcePairState.Failed)
        {
            pair.State = IcePairState.Waiting;
            _checkList.Trigger(pair);
        }
    }

    private void Select(long nowNs, IceCandidatePair pair)
    {
        _selected = pair;
        State = IceAgentState.Connected;
        _lastConsentNs = nowNs;
        _nextConsentNs = nowNs + JitteredConsentInterval();
        _transactions.KeepOnlyAndBetterNominated(pair);
        Enqueue(_events, IceEvent.Selected(pair.Remote, nominated: true, pair.Local));
    }

    private void SendCheck(long nowNs, IceCandidatePair pair, bool useCandidate, bool consent)
    {
        if (_transactions.IsFull)
        {
            QueueOverflows++;
            return;
        }

        var id = StunTransactionId.New();
        var writer = new StunMessageWriter(_scratch, StunMessageType.BindingRequest, id);
        writer.AddUsername(_outgoingUsername);
        if (Role == IceRole.Controlling)
        {
            writer.AddIceControlling(TieBreaker);
        }
        else
        {
            writer.AddIceControlled(TieBreaker);
        }

        if (useCandidate)
        {
            writer.AddUseCandidate();
        }

        // RFC 8445 §7.1.1: the priority a peer-reflexive candidate learned from this check would get: prflx type
        // preference, the local preference and component of the candidate the check is sent from.
        writer.AddPriority(pair.Local == HostCandidate
            ? _options.PeerReflexivePriority
            : ((uint)IcePriority.PeerReflexiveTypePreference << 24) | (pair.LocalPriority & 0x00FF_FFFF));
        writer.AddMessageIntegrity(_remoteKey);
        writer.AddFingerprint();
        var transaction = new IceCheckTransaction(id, pair, writer.ToArray(), useCandidate, consent, Role);
        transaction.Sent(nowNs, _options.InitialRtoNs, _options.MaxTransmissions, _options.LastWaitMultiplier);
        _transactions.Add(transaction);
        if (!consent)
        {
            pair.State = IcePairState.InProgress;
        }

        ChecksSent++;
        Enqueue(_transmits, new Transmit(pair.Remote, transaction.Payload, pair.Local));
    }

    private void PairFailed(IceCandidatePair pair)
    {
        pair.State = IcePairState.Failed;
        if (State == IceAgentState.Checking && RemoteCandidatesComplete && _checkList.AllFailed())
        {
            Fail("ICE failed: every candidate pair failed.");
        }
    }

    private void Fail(string reason)
    {
        State = IceAgentState.Failed;
        _transactions.Clear();
        Enqueue(_events, IceEvent.Failed(reason));
    }

    private long JitteredConsentInterval() =>
        (long)(_options.ConsentIntervalNs * (0.8 + (0.4 * _random.NextDouble())));

    private void Reply(IPEndPoint to, byte[] payload, int local) => Enqueue(_transmits, new Transmit(to, payload, local));

    private bool IsActiveLocal(int local) =>
        local >= 0 && local < _localPriorities.Count && (local != HostCandidate || _options.UseHostCandidate);

    private void Enqueue<T>(Queue<T> queue, T item)
    {
        if (queue.Count >= QueueLimit)
        {
            QueueOverflows++;
            return;
        }

        queue.Enqueue(item);
    }
}
