namespace RtcBench.Janus.Api;

/// <summary>
/// A JSEP description as Janus carries it next to a message or an event: <c>{"type":"offer"|"answer","sdp":"…"}</c>,
/// and optionally <c>"trickle":false</c> (the SDP already has every candidate).
/// </summary>
public sealed record JanusJsep(string Type, string Sdp, bool? Trickle = null)
{
    public bool IsOffer => Type == "offer";

    public bool IsAnswer => Type == "answer";

    public static JanusJsep Offer(string sdp, bool? trickle = null) => new("offer", sdp, trickle);

    public static JanusJsep Answer(string sdp, bool? trickle = null) => new("answer", sdp, trickle);

    /// <summary>The type only: an SDP is long and says nothing a log needs.</summary>
    public override string ToString() => $"jsep {Type} ({Sdp.Length} chars)";
}
