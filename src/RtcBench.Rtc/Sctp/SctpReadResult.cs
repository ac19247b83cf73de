namespace RtcBench.Rtc.Sctp;

internal enum SctpReadResult
{
    Ok,
    Malformed,
    BadChecksum,
}
