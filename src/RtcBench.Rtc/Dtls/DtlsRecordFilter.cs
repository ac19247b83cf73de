using System.Buffers.Binary;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Screens a datagram before BouncyCastle sees it (RFC 6347 §4.1.2.7: invalid records are silently discarded).
/// BouncyCastle 1.8.10 turns a record that fails authentication into a fatal bad_record_mac alert, so one forged
/// packet would tear the session down; here malformed records are dropped and encrypted ones are authenticated
/// first. Never throws on hostile input.
/// </summary>
internal static class DtlsRecordFilter
{
    internal const int HeaderLength = 13;

    /// <summary>
    /// Copies the acceptable records of <paramref name="datagram"/> into <paramref name="output"/> and returns their
    /// total length (0 when none is acceptable). <paramref name="cipher"/> authenticates non-zero epochs once known.
    /// </summary>
    internal static int Filter(ReadOnlySpan<byte> datagram, Span<byte> output, VerifyingCipher? cipher)
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

            int epoch = BinaryPrimitives.ReadUInt16BigEndian(record.Slice(3, 2));
            if (epoch != 0 && cipher is not null && !cipher.Authenticates(record))
            {
                continue;
            }

            if (written + record.Length > output.Length)
            {
                break;
            }

            record.CopyTo(output[written..]);
            written += record.Length;
        }

        return written;
    }

    /// <summary>True when <paramref name="records"/> (well-framed, as <see cref="Filter"/> produces) hold an application_data record.</summary>
    internal static bool HasApplicationData(ReadOnlySpan<byte> records)
    {
        while (records.Length >= HeaderLength)
        {
            int length = HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(records.Slice(11, 2));
            if (records[0] == 23)
            {
                return true;
            }

            records = records[Math.Min(length, records.Length)..];
        }

        return false;
    }
}
