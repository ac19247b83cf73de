using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Participant;

/// <summary>
/// The one seam to our stack's trickle ICE. Until PeerConnection gains AddRemoteCandidate / LocalCandidates, our
/// candidates travel in the SDP (they already do) and trickled remote candidates are counted but cannot be applied.
/// </summary>
internal static class PeerTrickle
{
    /// <summary>Whether the stack accepts trickled candidates.</summary>
    public const bool Supported = false;

    /// <summary>Hands a remote candidate to <paramref name="peer"/>; false when it was not applied.</summary>
    public static bool AddRemote(PeerConnection peer, string candidate)
    {
        _ = peer;
        _ = candidate;
        return false;
    }

    /// <summary>The remote side is done trickling.</summary>
    public static void EndOfRemote(PeerConnection peer) => _ = peer;

    /// <summary>Our candidates to trickle (none while they only travel in the SDP).</summary>
    public static IReadOnlyList<string> Local(PeerConnection peer)
    {
        _ = peer;
        return [];
    }
}
