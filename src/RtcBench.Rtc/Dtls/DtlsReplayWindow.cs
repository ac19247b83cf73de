namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The anti-replay window of RFC 6347 §4.1.2.6: the highest authenticated sequence number and a 64-bit bitmap of the
/// ones below it. <see cref="ShouldDiscard"/> before decrypting; <see cref="MarkAuthenticated"/> only once a record
/// authenticated, so a forged record with a far-future sequence number cannot move the window. Not thread-safe.
/// </summary>
internal struct DtlsReplayWindow
{
    private const int Size = 64;
    private long _highest;
    private ulong _bitmap;

    public DtlsReplayWindow() => _highest = -1;

    public readonly bool ShouldDiscard(long sequence)
    {
        if (sequence > _highest)
        {
            return false;
        }

        long behind = _highest - sequence;
        return behind >= Size || (_bitmap & (1UL << (int)behind)) != 0;
    }

    public void MarkAuthenticated(long sequence)
    {
        if (sequence > _highest)
        {
            long shift = sequence - _highest;
            _bitmap = shift >= Size ? 1UL : (_bitmap << (int)shift) | 1UL;
            _highest = sequence;
            return;
        }

        long behind = _highest - sequence;
        if (behind < Size)
        {
            _bitmap |= 1UL << (int)behind;
        }
    }
}
