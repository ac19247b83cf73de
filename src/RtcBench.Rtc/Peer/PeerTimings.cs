namespace RtcBench.Rtc.Peer;

/// <summary>
/// When each set-up phase finished, in monotonic ns of the connection's clock (0 = not reached). The start is when
/// the remote description was applied (offerer) or the offer accepted (answerer).
/// </summary>
public sealed record PeerTimings(long StartedNs, long IceConnectedNs, long DtlsConnectedNs, long SctpConnectedNs)
{
    public double? IceMs => Since(IceConnectedNs);

    public double? DtlsMs => Since(DtlsConnectedNs);

    public double? SctpMs => Since(SctpConnectedNs);

    /// <summary>Milliseconds from <see cref="StartedNs"/> to <paramref name="ns"/>, or null when it was not reached.</summary>
    public double? Since(long ns) => ns == 0 || StartedNs == 0 ? null : Math.Round((ns - StartedNs) / 1e6, 3);
}
