using System.Net;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Peer;

/// <summary>TURN relay candidates (RFC 8656) from <see cref="PeerConnectionOptions.IceServers"/>, on the core.</summary>
public sealed partial class PeerConnection
{
    private readonly TaskCompletionSource _gathered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string _relayStatus = "no TURN server given";
    private IceServerUrl? _turnUrl;
    private Action<PeerConnection, string>? _localCandidateGathered;
    private string[] _raisedCandidates = [];

    /// <summary>
    /// Completes when gathering is done: at once without a TURN server; else when the allocation succeeded (the relay
    /// candidate is then in <see cref="LocalCandidates"/>), failed, or <see cref="PeerConnectionOptions.GatheringTimeout"/>
    /// passed, or the connection ended. Never faults.
    /// </summary>
    public Task WhenGatheringComplete => _gathered.Task;

    /// <summary>
    /// Raised for each candidate gathered after creation (the relay candidate): trickle it. A handler added after some
    /// were raised gets those at once, on the subscribing thread, so none is missed and none comes twice.
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
    /// "relay 1.2.3.4:50000 via turn:…", or why not. Never holds the credential.
    /// </summary>
    public string RelayStatus => _relayStatus;

    /// <summary>The TURN client's counters and state, once gathering started (null without a TURN server).</summary>
    public TurnClient? Turn => null;

    /// <summary>Whether ICE may pair the host candidate (not under <see cref="IceTransportPolicy.Relay"/>).</summary>
    private bool UseHostCandidate => _options.IceTransportPolicy == IceTransportPolicy.All;

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
        _relayStatus = $"TURN on the core not wired yet ({turn.Url})";
        _gathered.TrySetResult();
    }

    private RtcCoreOptions WithRelay(RtcCoreOptions options) => options;

    private void ServiceRelay(long nowNs)
    {
    }

    private long NextRelayDeadline() => RtcTime.Never;

    private bool TransmitThroughRelay(ReadOnlySpan<byte> datagram, IPEndPoint destination) => false;

    private CandidatePairInfo? RelayedSelection(IPEndPoint remote) => null;

    private void PermitThroughRelay(IPEndPoint remote)
    {
    }

    private void OnEndedRelay() => _gathered.TrySetResult();
}
