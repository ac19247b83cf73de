using System.Buffers.Binary;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Turns our handshake into datagrams: epoch-0 record headers with their own sequence counter, and whole flights
/// packed into datagrams of at most <see cref="Mtu"/> bytes, handshake messages split into fragments where they do not
/// fit (RFC 6347 §4.2.3). Every (re)send uses fresh record sequence numbers; the Finished goes through the epoch-1
/// record layer. Handshake only; allocates.
/// </summary>
internal sealed class DtlsFlightWriter(int mtu)
{
    private const int RecordHeaderLength = DtlsAeadRecordLayer.HeaderLength;
    private const int MinFragment = 64;

    private long _nextSequence;

    internal int Mtu { get; } = mtu;

    /// <summary>True once a flight with our ChangeCipherSpec went out: alerts are encrypted from then on.</summary>
    internal bool SentChangeCipherSpec { get; private set; }

    /// <summary>Writes <paramref name="flight"/>; each datagram goes to <paramref name="emit"/> (buffer, length).</summary>
    internal void Write(DtlsFlight flight, DtlsAeadRecordLayer? records, Action<byte[], int> emit)
    {
        byte[] datagram = new byte[Mtu];
        int at = 0;
        void Flush()
        {
            if (at > 0)
            {
                emit(datagram, at);
                datagram = new byte[Mtu];
                at = 0;
            }
        }

        foreach (var entry in flight.Entries)
        {
            if (entry.ContentType == DtlsWire.ChangeCipherSpec)
            {
                if (at + RecordHeaderLength + 1 > Mtu)
                {
                    Flush();
                }

                WritePlainHeader(datagram.AsSpan(at), DtlsWire.ChangeCipherSpec, _nextSequence++, 1);
                datagram[at + RecordHeaderLength] = 1;
                at += RecordHeaderLength + 1;
                SentChangeCipherSpec = true;
                continue;
            }

            int overhead = RecordHeaderLength + DtlsHandshakeType.HeaderLength
                + (entry.Encrypted ? DtlsAeadRecordLayer.ExplicitNonceLength + DtlsAeadRecordLayer.TagLength : 0);
            int offset = 0;
            do
            {
                int left = entry.Body.Length - offset;
                int space = Mtu - at - overhead;
                if (space < Math.Min(left, MinFragment))
                {
                    Flush(); // too little room left here for a useful fragment
                    space = Mtu - overhead;
                }

                int take = Math.Min(left, space);
                byte[] fragment = new byte[DtlsHandshakeType.HeaderLength + take];
                WriteFragmentHeader(fragment, entry.HandshakeType, entry.Body.Length, entry.MessageSequence, offset, take);
                entry.Body.AsSpan(offset, take).CopyTo(fragment.AsSpan(DtlsHandshakeType.HeaderLength));
                if (entry.Encrypted)
                {
                    at += records!.Encrypt(DtlsWire.Handshake, fragment, datagram.AsSpan(at));
                }
                else
                {
                    WritePlainHeader(datagram.AsSpan(at), DtlsWire.Handshake, _nextSequence++, fragment.Length);
                    fragment.CopyTo(datagram.AsSpan(at + RecordHeaderLength));
                    at += RecordHeaderLength + fragment.Length;
                }

                offset += take;
            }
            while (offset < entry.Body.Length);
        }

        Flush();
    }

    /// <summary>One plaintext (epoch-0) record of <paramref name="type"/> as a datagram.</summary>
    internal byte[] PlainRecord(byte type, ReadOnlySpan<byte> body)
    {
        byte[] datagram = new byte[RecordHeaderLength + body.Length];
        WritePlainHeader(datagram, type, _nextSequence++, body.Length);
        body.CopyTo(datagram.AsSpan(RecordHeaderLength));
        return datagram;
    }

    /// <summary>
    /// A HelloVerifyRequest-style datagram: one unfragmented message in a record that reuses the ClientHello's record
    /// sequence number (RFC 6347 §4.2.1). Our later records continue above it: the peer's epoch-0 replay window
    /// (BouncyCastle has one) would drop a repeat.
    /// </summary>
    internal byte[] StatelessMessage(byte type, int messageSequence, byte[] body, long recordSequence)
    {
        byte[] datagram = new byte[RecordHeaderLength + DtlsHandshakeType.HeaderLength + body.Length];
        WritePlainHeader(datagram, DtlsWire.Handshake, recordSequence, DtlsHandshakeType.HeaderLength + body.Length);
        WriteFragmentHeader(datagram.AsSpan(RecordHeaderLength), type, body.Length, messageSequence, 0, body.Length);
        body.CopyTo(datagram, RecordHeaderLength + DtlsHandshakeType.HeaderLength);
        _nextSequence = Math.Max(_nextSequence, recordSequence + 1);
        return datagram;
    }

    private static void WritePlainHeader(Span<byte> destination, byte type, long sequence, int length)
    {
        destination[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], DtlsHandshakeType.Dtls12);
        BinaryPrimitives.WriteUInt16BigEndian(destination[3..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], (ushort)(sequence >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[7..], (uint)sequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)length);
    }

    private static void WriteFragmentHeader(Span<byte> destination, byte type, int length, int messageSequence, int offset, int fragmentLength)
    {
        destination[0] = type;
        DtlsHandshakeWriter.WriteU24(destination[1..], length);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)messageSequence);
        DtlsHandshakeWriter.WriteU24(destination[6..], offset);
        DtlsHandshakeWriter.WriteU24(destination[9..], fragmentLength);
    }
}
