namespace RtcBench.Interop.Tests.Direct;

/// <summary>
/// Records a direct-platform proof in the interop results (suite <c>direct</c>), one line per channel, so that
/// docs/interop.md shows them beside the matrix: <c>offerer</c> is who offered (the runner), <c>our_dtls</c> and
/// <c>our_ice</c> what our side was, <c>channel</c> the runner's channel kind.
/// </summary>
internal static class DirectProof
{
    public const string Suite = "direct";

    public static void Record(string stack, string version, string offerer, string ourDtls, string ourIce, string channel, bool passed, string detail) =>
        InteropResults.Append(new InteropResult(Suite, stack, version, offerer, ourDtls, ourIce, channel, passed, detail));

    /// <summary>The results-file name of a runner channel label.</summary>
    public static string ChannelName(string label) => label == "lossy" ? "unordered-rexmit0" : "reliable";
}
