using System.Net;
using System.Text;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// The ICE-lite agent (RFC 8445 §2.5): always controlled, never sends checks, answers the full peer's Binding
/// requests. Sans-IO: datagrams and time go in, responses (<see cref="TryPollTransmit"/>), events
/// (<see cref="TryPollEvent"/>) and a deadline (<see cref="NextTimeoutNs"/>) come out. Drain all output after every
/// input. Not thread-safe: drive it from one loop.
/// </summary>
/// <remarks>
/// <para>Order of checks on a request (RFC 8489 §6.3 and §9.1.3, RFC 8445 §7.3):</para>
/// <list type="number">
/// <item>not STUN: not consumed (<c>false</c>); malformed STUN: dropped, <see cref="Malformed"/>.</item>
/// <item>responses and indications: ignored (a lite agent sends no requests; indications are keepalives and do
/// not refresh consent), <see cref="Ignored"/>.</item>
/// <item>FINGERPRINT present but wrong: dropped, <see cref="FingerprintFailures"/>.</item>
/// <item>a method other than Binding, or USERNAME or MESSAGE-INTEGRITY missing: 400, unauthenticated.</item>
/// <item>USERNAME other than <c>localUfrag:remoteUfrag</c>: 401, unauthenticated.</item>
/// <item>MESSAGE-INTEGRITY wrong: dropped silently, <see cref="IntegrityFailures"/>. RFC 8489 would answer 401; we
/// do not, so that an off-path sender learns nothing and cannot make us reflect traffic.</item>
/// <item>unknown comprehension-required attributes: 420 with UNKNOWN-ATTRIBUTES.</item>
/// <item>FINGERPRINT or PRIORITY missing: 400 (RFC 8445 §7.2.2 and §7.1.1 require them).</item>
/// <item>ICE-CONTROLLED: 487 Role Conflict. A lite agent can only be controlled, so it can never win the
/// tie-break of RFC 8445 §7.3.1.1 by switching role; the full peer must switch to controlling.</item>
/// <item>otherwise: Binding success with XOR-MAPPED-ADDRESS (the source), MESSAGE-INTEGRITY, FINGERPRINT.</item>
/// </list>
/// <para>Authenticated error responses carry MESSAGE-INTEGRITY; all responses carry FINGERPRINT.</para>
/// <para>Selection, before any check carries USE-CANDIDATE: the endpoint of the latest valid check, until data (DTLS)
/// arrives; from then on the endpoint the latest data came from (<see cref="AcceptData"/>: data is accepted from any
/// endpoint whose check succeeded within the consent timeout, and answered there). A full peer with several candidates
/// checks from all of them and may send its ClientHello on any succeeded pair long before it nominates one (werift
/// nominates a lite peer only with its consent checks, ~5 s later). After USE-CANDIDATE: nominated endpoints only, the
/// latest nominated one until data arrives, then the one the data comes from (werift 0.24 nominates every pair whose
/// check succeeded and sends DTLS on the first). Each change raises <see cref="IceEventKind.Selected"/>.
/// Consent (RFC 7675 as a lite agent sees it): every valid check from the selected endpoint refreshes it; none for
/// <see cref="ConsentTimeoutNs"/> raises <see cref="IceEventKind.ConsentExpired"/> and clears the selection. A later
/// valid check selects afresh.</para>
/// </remarks>
public sealed class IceLiteResponder
{
    /// <summary>RFC 7675 §5.1: consent expires 30 s after the last successful check.</summary>
    public const long DefaultConsentTimeoutNs = 30 * RtcTime.NsPerSecond;

    /// <summary>Bound of the transmit and event queues; output beyond it is dropped and counted.</summary>
    public const int QueueLimit = 64;

    /// <summary>Endpoints with a succeeded check that we remember (the least recently checked is forgotten first).</summary>
    public const int MaxValidEndpoints = 8;

    private readonly byte[] _key;
    private readonly byte[] _expectedUsername;
    private readonly long _consentTimeoutNs;
    private readonly Queue<Transmit> _transmits = new();
    private readonly Queue<IceEvent> _events = new();
    private readonly byte[] _scratch = new byte[IceResponses.ScratchSize];
    private readonly List<(IPEndPoint Endpoint, long LastCheckNs, bool Nominated)> _valid = new(MaxValidEndpoints);
    private long _lastConsentNs;
    private bool _followsData;
    private bool _drained; // both queues were found empty and nothing was queued since: polls need not look at them

    public IceLiteResponder(IceCredentials local, IceCredentials remote, long consentTimeoutNs = DefaultConsentTimeoutNs)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(consentTimeoutNs);
        Local = local;
        Remote = remote;
        _consentTimeoutNs = consentTimeoutNs;
        _key = Encoding.UTF8.GetBytes(local.Password);
        _expectedUsername = Encoding.UTF8.GetBytes(local.Ufrag + ":" + remote.Ufrag);
    }

    public IceCredentials Local { get; }

    public IceCredentials Remote { get; }

    public long ConsentTimeoutNs => _consentTimeoutNs;

    /// <summary>Where to send application data (DTLS), or null before the first valid check or after expiry.</summary>
    public IPEndPoint? SelectedEndpoint { get; private set; }

    /// <summary>Whether <see cref="SelectedEndpoint"/> was nominated with USE-CANDIDATE.</summary>
    public bool IsNominated { get; private set; }

    /// <summary>When <see cref="HandleTimeout"/> must next be called, or <see cref="RtcTime.Never"/>.</summary>
    public long NextTimeoutNs => SelectedEndpoint is null ? RtcTime.Never : _lastConsentNs + _consentTimeoutNs;

    public long ChecksAnswered { get; private set; }

    public long IntegrityFailures { get; private set; }

    public long FingerprintFailures { get; private set; }

    public long Malformed { get; private set; }

    public long Ignored { get; private set; }

    public long ErrorsSent { get; private set; }

    public long RoleConflicts { get; private set; }

    /// <summary>Transmits and events dropped because their queue was full.</summary>
    public long QueueOverflows { get; private set; }

    /// <summary>
    /// Handles one datagram. Returns <c>false</c> when it is not STUN (for the caller's demultiplexer), <c>true</c>
    /// when it was consumed, answered or dropped. Never throws on bad bytes.
    /// </summary>
    public bool HandleDatagram(long nowNs, ReadOnlySpan<byte> datagram, IPEndPoint from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (!StunMessageReader.IsStun(datagram))
        {
            return false;
        }

        HandleTimeout(nowNs);
        if (!StunMessageReader.TryRead(datagram, out var request))
        {
            Malformed++;
            return true;
        }

        if (request.Class != StunClass.Request)
        {
            Ignored++;
            return true;
        }

        var verdict = IceCheckInspector.Examine(request, _expectedUsername, _key, _scratch, out var reply);
        if (verdict != IceCheckVerdict.Valid)
        {
            Count(verdict);
            if (reply is not null)
            {
                ErrorsSent++;
                Enqueue(_transmits, new Transmit(from, reply));
            }

            return true;
        }

        if (request.Contains(StunAttributeType.IceControlled))
        {
            RoleConflicts++;
            SendError(request, from, StunErrorCode.RoleConflict);
            return true;
        }

        SendSuccess(request, from);
        UpdateSelection(nowNs, from, request.HasUseCandidate);
        return true;
    }

    /// <summary>Expires consent when its deadline has passed. Harmless to call early or often.</summary>
    public void HandleTimeout(long nowNs)
    {
        if (SelectedEndpoint is { } selected && nowNs >= _lastConsentNs + _consentTimeoutNs)
        {
            SelectedEndpoint = null;
            IsNominated = false;
            _followsData = false;
            Enqueue(_events, IceEvent.ConsentExpired(selected));
        }
    }

    /// <summary>
    /// Whether data (DTLS) from <paramref name="from"/> belongs to this session: from an endpoint whose check succeeded
    /// within the consent timeout and, once any endpoint has been nominated (USE-CANDIDATE), from a nominated one. Such
    /// data moves the selection there (a <see cref="IceEventKind.Selected"/> event), so our answer goes back where the
    /// peer's data came from, and later checks no longer move it. werift 0.24 nominates every pair whose check
    /// succeeded and sends DTLS on the first: "the nominated pair" is where its data comes from.
    /// </summary>
    public bool AcceptData(long nowNs, IPEndPoint from)
    {
        ArgumentNullException.ThrowIfNull(from);
        HandleTimeout(nowNs);
        if (ReferenceEquals(from, SelectedEndpoint) || from.Equals(SelectedEndpoint)) // a mux hands one object per source
        {
            _followsData = true;
            return true;
        }

        int i = FindValid(from);
        if (i < 0 || nowNs >= _valid[i].LastCheckNs + _consentTimeoutNs || (!_valid[i].Nominated && AnyNominated(nowNs)))
        {
            DataRefused++;
            return false;
        }

        _followsData = true;
        Select(i);
        _lastConsentNs = _valid[i].LastCheckNs;
        return true;
    }

    /// <summary>Data refused by <see cref="AcceptData"/>: from an endpoint with no recent succeeded check, or not the nominated one.</summary>
    public long DataRefused { get; private set; }

    public bool TryPollTransmit(out Transmit transmit)
    {
        if (_drained)
        {
            transmit = default;
            return false;
        }

        return _transmits.TryDequeue(out transmit);
    }

    public bool TryPollEvent(out IceEvent iceEvent)
    {
        if (_drained)
        {
            iceEvent = default;
            return false;
        }

        if (_events.TryDequeue(out iceEvent))
        {
            return true;
        }

        _drained = _transmits.Count == 0;
        return false;
    }

    private void UpdateSelection(long nowNs, IPEndPoint from, bool useCandidate)
    {
        int i = RememberValid(nowNs, from, useCandidate);
        bool isSelected = from.Equals(SelectedEndpoint);
        bool change = useCandidate
            ? (isSelected ? !IsNominated : !(_followsData && IsNominated)) // Data on another nominated endpoint stays there.
            : !isSelected && !IsNominated && (SelectedEndpoint is null || !_followsData);
        if (change)
        {
            Select(i);
            isSelected = true;
        }

        if (isSelected)
        {
            _lastConsentNs = nowNs;
        }
    }

    private void Select(int validIndex)
    {
        var (endpoint, _, nominated) = _valid[validIndex];
        SelectedEndpoint = endpoint;
        IsNominated = nominated;
        Enqueue(_events, IceEvent.Selected(endpoint, nominated));
    }

    private bool AnyNominated(long nowNs)
    {
        foreach (var v in _valid)
        {
            if (v.Nominated && nowNs < v.LastCheckNs + _consentTimeoutNs)
            {
                return true;
            }
        }

        return false;
    }

    private int RememberValid(long nowNs, IPEndPoint from, bool nominated)
    {
        int i = FindValid(from);
        if (i >= 0)
        {
            _valid[i] = (_valid[i].Endpoint, nowNs, _valid[i].Nominated || nominated);
            return i;
        }

        if (_valid.Count == MaxValidEndpoints)
        {
            int oldest = 0;
            for (int j = 1; j < _valid.Count; j++)
            {
                oldest = _valid[j].LastCheckNs < _valid[oldest].LastCheckNs ? j : oldest;
            }

            _valid.RemoveAt(oldest);
        }

        _valid.Add((new IPEndPoint(from.Address, from.Port), nowNs, nominated));
        return _valid.Count - 1;
    }

    private int FindValid(IPEndPoint from)
    {
        for (int i = 0; i < _valid.Count; i++)
        {
            if (_valid[i].Endpoint.Equals(from))
            {
                return i;
            }
        }

        return -1;
    }

    private void SendSuccess(StunMessage request, IPEndPoint from)
    {
        ChecksAnswered++;
        Enqueue(_transmits, new Transmit(from, IceResponses.Success(_scratch, request, from, _key)));
    }

    private void SendError(StunMessage request, IPEndPoint from, int code)
    {
        ErrorsSent++;
        Enqueue(_transmits, new Transmit(from, IceResponses.Error(_scratch, request, code, authenticated: true, _key)));
    }

    private void Count(IceCheckVerdict verdict)
    {
        if (verdict == IceCheckVerdict.FingerprintFailure)
        {
            FingerprintFailures++;
        }
        else if (verdict == IceCheckVerdict.IntegrityFailure)
        {
            IntegrityFailures++;
        }
    }

    private void Enqueue<T>(Queue<T> queue, T item)
    {
        if (queue.Count >= QueueLimit)
        {
            QueueOverflows++;
            return;
        }

        queue.Enqueue(item);
        _drained = false;
    }
}
