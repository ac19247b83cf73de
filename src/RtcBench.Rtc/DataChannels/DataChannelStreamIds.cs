namespace RtcBench.Rtc.DataChannels;

/// <summary>
/// Stream-id parity (RFC 8832 §6): the DTLS client opens channels on even stream ids, the DTLS server on odd ones,
/// so both sides can open channels without colliding. Stream 65535 is reserved (RFC 8831).
/// </summary>
public static class DataChannelStreamIds
{
    public const ushort Reserved = 65535;

    public const ushort MaxStreamId = 65534;

    /// <summary>The first id this side may use: 0 for the DTLS client, 1 for the DTLS server.</summary>
    public static ushort First(bool isDtlsClient) => isDtlsClient ? (ushort)0 : (ushort)1;

    /// <summary>Whether <paramref name="streamId"/> has the parity of the side named by <paramref name="isDtlsClient"/>.</summary>
    public static bool BelongsTo(ushort streamId, bool isDtlsClient) => streamId != Reserved && (streamId % 2 == 0) == isDtlsClient;

    /// <summary>
    /// The lowest id of our parity below <paramref name="streamCount"/> (the negotiated number of SCTP streams)
    /// that <paramref name="isInUse"/> does not claim; false when all are taken.
    /// </summary>
    public static bool TryAllocate(bool isDtlsClient, int streamCount, Func<ushort, bool> isInUse, out ushort streamId) =>
        TryAllocate(First(isDtlsClient), 2, streamCount, isInUse, out streamId);

    /// <summary>
    /// The lowest id <paramref name="first"/> + k × <paramref name="step"/> below <paramref name="streamCount"/> that
    /// <paramref name="isInUse"/> does not claim. Not every stack follows the parity rule (werift takes its parity from
    /// its ICE role, Janus the lowest free id from 1), so ids the peer already opened must be skipped.
    /// </summary>
    public static bool TryAllocate(int first, int step, int streamCount, Func<ushort, bool> isInUse, out ushort streamId)
    {
        ArgumentNullException.ThrowIfNull(isInUse);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        var limit = Math.Min(streamCount, Reserved);
        for (int id = first; id < limit; id += step)
        {
            if (!isInUse((ushort)id))
            {
                streamId = (ushort)id;
                return true;
            }
        }

        streamId = 0;
        return false;
    }
}
