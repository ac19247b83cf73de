using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Participant;

/// <summary>The one seam between LiveKit's TrickleRequest and our stack's trickle ICE (PeerConnection.Trickle).</summary>
internal static class PeerTrickle
{
    /// <summary>
    /// Hands a remote candidate attribute (<c>candidate:…</c>) to <paramref name="peer"/>; false when it was not used
    /// (unsupported transport/family, mDNS, stale generation, connection ended). Throws <see cref="FormatException"/>
    /// for text that is not a candidate at all. Works before the remote description too (the stack keeps it).
    /// </summary>
    public static bool AddRemote(PeerConnection peer, string candidate) => peer.AddRemoteCandidate(candidate);

    /// <summary>The remote side is done trickling (TrickleRequest.final).</summary>
    public static void EndOfRemote(PeerConnection peer) => peer.AddRemoteEndOfCandidates();

    /// <summary>Our candidates to trickle now: the host candidate (unless relay-only) and the relay once allocated;
    /// later ones come by PeerConnection.LocalCandidateGathered (see <see cref="LocalTrickle"/>).</summary>
    public static IReadOnlyList<string> Local(PeerConnection peer) => peer.LocalCandidates;
}
