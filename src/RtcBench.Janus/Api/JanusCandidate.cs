namespace RtcBench.Janus.Api;

/// <summary>
/// One trickled ICE candidate as Janus's <c>trickle</c> request and event carry it:
/// <c>{"candidate":"candidate:…","sdpMid":"0","sdpMLineIndex":0}</c>, or the end marker <c>{"completed":true}</c>.
/// </summary>
public sealed record JanusCandidate(string? Candidate, string? SdpMid, int? SdpMLineIndex, bool Completed = false)
{
    /// <summary>The end-of-candidates marker.</summary>
    public static JanusCandidate EndOfCandidates { get; } = new(null, null, null, Completed: true);

    /// <summary>
    /// A candidate line for media section <paramref name="sdpMid"/> (index <paramref name="sdpMLineIndex"/>); a leading
    /// <c>a=</c> is removed, as Janus wants the attribute value only.
    /// </summary>
    public static JanusCandidate For(string candidate, string sdpMid = "0", int sdpMLineIndex = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(candidate);
        string value = candidate.StartsWith("a=", StringComparison.Ordinal) ? candidate[2..] : candidate;
        return new JanusCandidate(value.TrimEnd('\r', '\n'), sdpMid, sdpMLineIndex);
    }
}
