namespace RtcBench.Platforms.Daily.Browser;

/// <summary>What the page reported after joining, plus the clock anchor between the page and the C# side.</summary>
/// <param name="LocalSessionId">This participant's Daily session id.</param>
/// <param name="Topology">getNetworkTopology() right after join: "sfu", "peer", "none" (or "standin-relay").</param>
/// <param name="DailyJsVersion">Daily.version(), or "standin".</param>
/// <param name="ChromiumVersion">The browser's version.</param>
/// <param name="AnchorNs">C# monotonic ns at the same instant as <paramref name="AnchorPageMs"/> (midpoint of the tightest of three probes).</param>
/// <param name="AnchorPageMs">The page's performance.now() at the anchor.</param>
/// <param name="AnchorUncertaintyNs">Half the probe's round trip: the anchor's error bound.</param>
public sealed record DailyJoinInfo(
    string LocalSessionId,
    string? Topology,
    string? DailyJsVersion,
    string? ChromiumVersion,
    bool StandIn,
    long AnchorNs,
    double AnchorPageMs,
    long AnchorUncertaintyNs)
{
    /// <summary>Translates a page time (performance.now() ms) to the C# monotonic ns scale.</summary>
    public long PageMsToNs(double pageMs) => AnchorNs + (long)Math.Round((pageMs - AnchorPageMs) * 1e6);
}
