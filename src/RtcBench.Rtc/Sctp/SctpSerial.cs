namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Serial number arithmetic (RFC 9260 §1.6, RFC 1982) for 32-bit TSNs and 16-bit SSNs. Internally TSNs are kept
/// "unwrapped" as <c>long</c> relative to a reference, which makes comparisons plain.
/// </summary>
internal static class SctpSerial
{
    /// <summary>The unwrapped value of <paramref name="tsn"/> closest to <paramref name="reference"/>.</summary>
    public static long Unwrap(uint tsn, long reference) => reference + (int)(tsn - (uint)reference);

    /// <summary>a &lt; b in 16-bit serial arithmetic.</summary>
    public static bool SsnLess(ushort a, ushort b) => a != b && (short)(a - b) < 0;
}
