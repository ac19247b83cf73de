using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// Subsequent offers on a connection we answered (RFC 3264 §8, JSEP §5.3.2): an SFU such as LiveKit sends a new
/// subscriber offer whenever its side of the session changes (tracks added, a data section re-announced). For a
/// data-only connection nothing of ours changes: the same ICE credentials, DTLS role and certificate, the data section
/// kept, every other section rejected, the <c>o=</c> session id kept and its version incremented. New candidates in the
/// offer are added as if trickled. What we cannot follow is refused with a <see cref="FormatException"/> that says
/// why: an ICE restart (new ufrag/pwd), a new DTLS certificate, or the data section gone or moved.
/// </summary>
public sealed partial class PeerConnection
{
    private readonly ulong _sessionId = (ulong)Random.Shared.NextInt64(1, long.MaxValue >> 1);
    private ulong _sessionVersion = 2;
    private long _renegotiations;

    /// <summary>Subsequent offers answered by <see cref="AcceptRenegotiation"/>.</summary>
    public long Renegotiations => Interlocked.Read(ref _renegotiations);

    /// <summary>
    /// Answers a subsequent offer from the peer whose first offer we answered; returns the new answer (also
    /// <see cref="LocalDescription"/>). Throws <see cref="FormatException"/> when the offer cannot be followed (see the
    /// type's remarks) and <see cref="InvalidOperationException"/> on an offerer or an ended connection. Thread-safe
    /// with respect to the core; call it from one signalling thread at a time.
    /// </summary>
    public string AcceptRenegotiation(string offerSdp)
    {
        ArgumentNullException.ThrowIfNull(offerSdp);
        if (IsOfferer || LocalDescription is null || _remote is not { } current)
        {
            throw new InvalidOperationException("AcceptRenegotiation is for a connection that answered an offer.");
        }

        if (_state is PeerConnectionState.Failed or PeerConnectionState.Closed)
        {
            throw new InvalidOperationException($"The connection is {_state}.");
        }

        var offer = ParseRemote(offerSdp, SdpType.Offer, out var description, out var fingerprint);
        if (description.IceUfrag != current.IceUfrag || description.IcePwd != current.IcePwd)
        {
            throw new FormatException("The new offer restarts ICE (new ice-ufrag/ice-pwd); ICE restart is not supported.");
        }

        if (!fingerprint.Equals(_remoteFingerprint))
        {
            throw new FormatException("The new offer changes the DTLS certificate (a new transport), which is not supported.");
        }

        if (description.Mid != current.Mid)
        {
            throw new FormatException($"The new offer moves the data section (mid '{description.Mid}', was '{current.Mid}').");
        }

        var setup = DtlsRole == Dtls.DtlsRole.Server ? SdpSetup.Passive : SdpSetup.Active;
        var options = SdpOptions(iceLite: IsIceLite, setup) with
        {
            Mid = description.Mid ?? "0",
            IceTrickle = !IsIceLite,
            SessionVersion = Interlocked.Increment(ref _sessionVersion),
        };
        if (!DataChannelSdp.TryCreateAnswer(offer, options, out var answer, out string error))
        {
            throw new FormatException("Cannot answer the new offer: " + error);
        }

        foreach (var candidate in description.Candidates)
        {
            if (!current.Candidates.Contains(candidate) && TryGetUsableEndpoint(candidate, out var endpoint))
            {
                lock (_lock)
                {
                    if (!_released)
                    {
                        OnTrickledCandidate(candidate, endpoint!);
                    }
                }
            }
        }

        if (description.EndOfCandidates)
        {
            AddRemoteEndOfCandidates();
        }

        Interlocked.Increment(ref _renegotiations);
        LocalDescription = SdpWriter.Write(answer!);
        return LocalDescription;
    }
}
