using System.Buffers.Binary;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Screens a datagram before BouncyCastle sees it (RFC 6347 §4.1.2.7: invalid records are silently discarded): only
/// well-framed records with a DTLS content type and version pass, so a malformed datagram is dropped and counted
/// here. Authentication is BouncyCastle's (2.x drops records that fail it; <see cref="BcGuardedCipher"/> makes every
/// other decoding failure a drop too). Never throws on hostile input.
/// </summary>
internal static class DtlsRecordFilter
{
    internal const int HeaderLength = 13;

    /// <summary>
    /// Copies the well-framed records of <paramref name="datagram"/> into <paramref name="output"/> and returns their
    /// total length (0 when none is acceptable).
    /// </summary>
    internal static int Filter(ReadOnlySpan<byte> datagram, Span<byte> output)
    {
        int written = 0;
        while (datagram.Length >= HeaderLength)
        {
            byte type = datagram[0];
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(11, 2));
            if (type is < 20 or > 24 || datagram[1] != 0xFE || HeaderLength + length > datagram.Length)
            {
                break; // Malformed: nothing after it can be framed either.
            }

            var record = datagram[..(HeaderLength + length)];
            datagram = datagram[record.Length..];
            if (written + record.Length > output.Length)
            {
                break;
            }

            record.CopyTo(output[written..]);
            written += record.Length;
        }

        return written;
    }

    /// <summary>
    /// True when <paramref name="records"/> (well-framed, as <see cref="Filter"/> produces) hold an application_data
    /// record or an alert in epoch 1 or later: what BouncyCastle may leave unread when its handshake ends in the
    /// middle of a datagram (a close_notify or fatal alert sent right behind the peer's Finished).
    /// </summary>
    internal static bool HasApplicationDataOrAlert(ReadOnlySpan<byte> records)
    {
        while (records.Length >= HeaderLength)
        {
            int length = HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(records.Slice(11, 2));
            if (records[0] == 23 || (records[0] == 21 && BinaryPrimitives.ReadUInt16BigEndian(records.Slice(3, 2)) > 0))
            {
                return true;
            }

            records = records[Math.Min(length, records.Length)..];
        }

        return false;
    }
}
