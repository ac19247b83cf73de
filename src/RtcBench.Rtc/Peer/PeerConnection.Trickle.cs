using System.Net;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// Trickle ICE (RFC 8838, RFC 8840) for signalling that sends candidates on their own, as LiveKit's TrickleRequest
/// and Janus' trickle messages do: <see cref="AddRemoteCandidate"/>, <see cref="AddRemoteEndOfCandidates"/> and
/// <see cref="LocalCandidates"/>. Candidates also stay in the SDP, so signalling that does not trickle needs nothing.
/// </summary>
public sealed partial class PeerConnection
{
    /// <summary>Trickled candidates remembered for <see cref="CandidatePairInfo.RemoteType"/>; more are still used.</summary>
    private const int MaxRememberedCandidates = 32;

    private readonly List<IceCandidateLine> _trickled = [];

    /// <summary>Trickled before the core exists (before the remote description): given to it once it starts.</summary>
    private readonly List<(IPEndPoint Endpoint, uint Priority)> _beforeCore = [];
    private bool _remoteEndBeforeCore;
    private long _remoteCandidatesAdded;
    private long _remoteCandidatesIgnored;
    private IReadOnlyList<string> _localCandidateStrings = [];

    /// <summary>
    /// Our candidates as RFC 8839 attribute values without <c>a=</c> (<c>candidate:1 1 udp 2130706431 127.0.0.1 5000
    /// typ host</c>), what an RTCIceCandidateInit's <c>candidate</c> carries; sdpMid is the data section's mid (see
    /// <see cref="LocalDescription"/>) and sdpMLineIndex 0. Without ICE servers it is complete from creation: one host
    /// candidate, gathered when the socket is bound, so end-of-candidates may be signalled right after it. With a TURN
    /// server the relay candidate (and a server-reflexive one behind a NAT) is added once allocated: trickle those from
    /// <see cref="LocalCandidateGathered"/>, and end-of-candidates after <see cref="WhenGatheringComplete"/>. Under
    /// <see cref="IceTransportPolicy.Relay"/> there is no host candidate.
    /// </summary>
    public IReadOnlyList<string> LocalCandidates => _localCandidateStrings;

    /// <summary>Remote candidates given to ICE: from the remote SDP and from <see cref="AddRemoteCandidate"/>.</summary>
    public long RemoteCandidatesAdded => Interlocked.Read(ref _remoteCandidatesAdded);

    /// <summary>
    /// Remote candidates we cannot use and ignored: not UDP, not component 1 (RTCP), an mDNS <c>.local</c> host (we do
    /// not resolve mDNS: such a peer is reached as a peer-reflexive candidate once its checks arrive), another address
    /// family than <see cref="PeerConnectionOptions.LocalAddress"/>, port 0, or another ICE generation's ufrag.
    /// </summary>
    public long RemoteCandidatesIgnored => Interlocked.Read(ref _remoteCandidatesIgnored);

    /// <summary>
    /// Adds a trickled remote candidate: an RFC 8839 candidate attribute value (<c>candidate:…</c>; a leading
    /// <c>a=</c> is tolerated), as in RTCIceCandidateInit.candidate. Thread-safe: parsed, then given to the core on the
    /// calling thread. Works on offerer and answerer, before and after the remote description (an offerer's candidates
    /// that arrive before <see cref="SetRemoteAnswer"/> are used once it is applied). An empty string or
    /// <c>end-of-candidates</c> means <see cref="AddRemoteEndOfCandidates"/>.
    /// </summary>
    /// <returns>True when the candidate was handed to ICE; false when it was ignored as unsupported (see
    /// <see cref="RemoteCandidatesIgnored"/>), was end-of-candidates, or the connection has ended.</returns>
    /// <exception cref="FormatException">Not a candidate attribute: a signalling bug worth seeing, so it is not dropped
    /// quietly. The core never sees it.</exception>
    public bool AddRemoteCandidate(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (IceCandidateLine.IsEndOfCandidates(candidate))
        {
            AddRemoteEndOfCandidates();
            return false;
        }

        if (!IceCandidateLine.TryParse(candidate, out var line))
        {
            string shown = candidate.Length > 120 ? candidate[..120] + "…" : candidate;
            throw new FormatException($"Not an ICE candidate attribute (RFC 8839 §5.1): '{shown}'.");
        }

        if (!TryGetUsableEndpoint(line!, out var endpoint))
        {
            Interlocked.Increment(ref _remoteCandidatesIgnored);
            return false;
        }

        lock (_lock)
        {
            if (_state is PeerConnectionState.Failed or PeerConnectionState.Closed)
            {
                return false;
            }

            OnTrickledCandidate(line!, endpoint!);
            return true;
        }
    }

    /// <summary>
    /// The peer has trickled all its candidates (RFC 8838 §8). From then on ICE may fail as soon as every pair has
    /// failed instead of waiting for <see cref="PeerConnectionOptions.IceTimeout"/>. Thread-safe; idempotent.
    /// </summary>
    public void AddRemoteEndOfCandidates()
    {
        lock (_lock)
        {
            if (_released)
            {
                return;
            }

            if (_core is { } core)
            {
                core.HandleInput(_clock(), RtcInput.EndOfRemoteCandidates);
                Drain();
            }
            else
            {
                _remoteEndBeforeCore = true;
            }
        }
    }

    private IceCandidateLine LocalHostCandidate()
    {
        var local = _socket.LocalEndPoint;
        return new IceCandidateLine("1", 1, "udp", IcePriority.Compute(IcePriority.HostTypePreference, IcePriority.DefaultLocalPreference, 1),
            local.Address.ToString(), local.Port, IceCandidateType.Host);
    }

    /// <summary>Whether <paramref name="candidate"/> is one we can check from our single UDP host candidate.</summary>
    private bool TryGetUsableEndpoint(IceCandidateLine candidate, out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (!candidate.IsUdp || candidate.Component != 1 || candidate.Port == 0 || !candidate.TryGetIPAddress(out var address)
            || address!.AddressFamily != _options.LocalAddress.AddressFamily)
        {
            return false;
        }

        endpoint = new IPEndPoint(address, candidate.Port);
        return true;
    }

    /// <summary>Under the lock, at the start: the remote SDP's candidates, and its end-of-candidates.</summary>
    private void AddSdpCandidates(RtcCore core, Sdp.RemoteDataChannelDescription description)
    {
        long now = _clock();
        foreach (var candidate in description.Candidates)
        {
            if (TryGetUsableEndpoint(candidate, out var endpoint))
            {
                core.HandleInput(now, RtcInput.AddRemoteCandidate(endpoint!, candidate.Priority));
                Interlocked.Increment(ref _remoteCandidatesAdded);
            }
            else
            {
                Interlocked.Increment(ref _remoteCandidatesIgnored);
            }
        }

        if (description.EndOfCandidates)
        {
            core.HandleInput(now, RtcInput.EndOfRemoteCandidates);
        }
    }

    /// <summary>Under the lock: a trickled (or renegotiated) candidate.</summary>
    private void OnTrickledCandidate(IceCandidateLine candidate, IPEndPoint endpoint)
    {
        // A candidate of another ICE generation (its ufrag extension names other credentials) is stale.
        if (candidate.GetExtension("ufrag") is { } ufrag && _remote is { } remote && ufrag != remote.IceUfrag)
        {
            Interlocked.Increment(ref _remoteCandidatesIgnored);
            return;
        }

        Interlocked.Increment(ref _remoteCandidatesAdded);
        if (_trickled.Count < MaxRememberedCandidates)
        {
            _trickled.Add(candidate); // names a prflx selection that its checks made first (see SelectedPair)
        }

        // An ICE-lite answerer needs no remote candidates: it answers the checks that arrive (the core ignores them).
        if (_core is { } core)
        {
            core.HandleInput(_clock(), RtcInput.AddRemoteCandidate(endpoint, candidate.Priority));
            Drain();
        }
        else if (_beforeCore.Count < MaxRememberedCandidates)
        {
            _beforeCore.Add((endpoint, candidate.Priority));
        }
    }

    /// <summary>Under the lock, at the start: what was trickled before the core existed.</summary>
    private void ReplayEarlyRemoteCandidates(RtcCore core)
    {
        long now = _clock();
        foreach (var (endpoint, priority) in _beforeCore)
        {
            core.HandleInput(now, RtcInput.AddRemoteCandidate(endpoint, priority));
        }

        _beforeCore.Clear();
        if (_remoteEndBeforeCore)
        {
            core.HandleInput(now, RtcInput.EndOfRemoteCandidates);
        }
    }
}
