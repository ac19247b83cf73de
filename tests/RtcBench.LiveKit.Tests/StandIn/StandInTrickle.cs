using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Signalling;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// The stand-in's trickle ICE, as LiveKit does it (PROTOCOLS.md §2 A3): the server's SDPs go out without candidates,
/// which follow as TrickleRequest, each sent one step late so the last can carry <c>final=true</c>; the client's
/// candidates are taken from its trickles (and, with <see cref="StandInOptions.CandidatesByTrickleOnly"/>, not from
/// its SDPs, so a client that does not trickle cannot connect).
/// </summary>
internal static class StandInTrickle
{
    /// <summary>Removes <c>a=candidate</c> and <c>a=end-of-candidates</c> lines.</summary>
    public static string StripCandidates(string sdp) =>
        string.Join("\r\n", sdp.Split("\r\n").Where(line =>
            !line.StartsWith("a=candidate:", StringComparison.Ordinal) && !line.StartsWith("a=end-of-candidates", StringComparison.Ordinal)));

    /// <summary>The server's candidates for <paramref name="local"/> as trickle messages: each held back one step, the last final.</summary>
    public static IEnumerable<SignalResponse> Candidates(WeriftDescription local, SignalTarget target)
    {
        string mid = TrickleCandidate.MidOf(local.Sdp);
        string? ufrag = TrickleCandidate.UfragOf(local.Sdp);
        string? held = null;
        foreach (string candidate in local.Candidates)
        {
            if (held is not null)
            {
                yield return Trickle(held, final: false);
            }

            held = candidate;
        }

        if (held is not null)
        {
            yield return Trickle(held, final: true);
        }

        SignalResponse Trickle(string candidate, bool final) => new()
        {
            Trickle = new TrickleRequest { CandidateInit = TrickleCandidate.ToJson(candidate, mid, 0, ufrag), Target = target, Final = final },
        };
    }
}
