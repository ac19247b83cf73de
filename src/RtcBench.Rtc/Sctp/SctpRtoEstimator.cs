namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Retransmission timeout per RFC 6298 §2 as used by RFC 9260 §6.3.1: first sample SRTT=R, RTTVAR=R/2; then
/// RTTVAR = 3/4·RTTVAR + 1/4·|SRTT−R|, SRTT = 7/8·SRTT + 1/8·R; RTO = SRTT + 4·RTTVAR clamped to [min, max].
/// Timeouts double the RTO (back-off, RFC 9260 §6.3.3 E2).
/// </summary>
internal sealed class SctpRtoEstimator(long initialNs, long minNs, long maxNs)
{
    private bool _hasSample;

    public long SrttNs { get; private set; }

    public long RttVarNs { get; private set; }

    public long RtoNs { get; private set; } = initialNs;

    public void OnRttSample(long rttNs)
    {
        rttNs = Math.Max(rttNs, 0);
        if (!_hasSample)
        {
            SrttNs = rttNs;
            RttVarNs = rttNs / 2;
            _hasSample = true;
        }
        else
        {
            RttVarNs = ((3 * RttVarNs) + Math.Abs(SrttNs - rttNs)) / 4;
            SrttNs = ((7 * SrttNs) + rttNs) / 8;
        }

        RtoNs = Math.Clamp(SrttNs + (4 * RttVarNs), minNs, maxNs);
    }

    public void BackOff() => RtoNs = Math.Min(RtoNs * 2, maxNs);
}
