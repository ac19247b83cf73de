using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Tls;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Wraps the record cipher BouncyCastle negotiates so that <see cref="DtlsRecordFilter"/> can authenticate a
/// record before BouncyCastle processes it, and so that encryption is serialised (BouncyCastle shares one
/// encrypting cipher between its own thread and ours). Decoding is stateless for AEAD suites as long as the GCM
/// instance is reset after a failure (see <see cref="ResettingAeadCipher"/>), so verifying first and letting
/// BouncyCastle decode again is safe; it costs a second decryption of every valid record.
/// </summary>
internal sealed class VerifyingCipher : TlsCipher
{
    private readonly TlsCipher _inner;
    private readonly Lock _encodeLock = new();
    private long _highestWritten = -1;
    private bool _sealed;

    internal VerifyingCipher(TlsCipher inner) => _inner = inner;

    public int GetPlaintextLimit(int ciphertextLimit) => _inner.GetPlaintextLimit(ciphertextLimit);

    public byte[] EncodePlaintext(long seqNo, byte type, byte[] plaintext, int offset, int len)
    {
        lock (_encodeLock)
        {
            if (_sealed)
            {
                // Our own record layer owns the write sequence now: an encoding here could reuse a GCM nonce.
                throw new TlsFatalAlert(AlertDescription.internal_error);
            }

            _highestWritten = Math.Max(_highestWritten, seqNo & 0xFFFF_FFFF_FFFFL);
            return _inner.EncodePlaintext(seqNo, type, plaintext, offset, len);
        }
    }

    /// <summary>
    /// Stops BouncyCastle from encrypting anything more and returns the first sequence number our own record layer
    /// may use in this epoch (one above the highest BouncyCastle wrote), so no (epoch, sequence) nonce repeats.
    /// </summary>
    internal long SealAndGetNextWriteSequence()
    {
        lock (_encodeLock)
        {
            _sealed = true;
            return _highestWritten + 1;
        }
    }

    public byte[] DecodeCiphertext(long seqNo, byte type, byte[] ciphertext, int offset, int len) =>
        _inner.DecodeCiphertext(seqNo, type, ciphertext, offset, len);

    /// <summary>True when the record (header included) decrypts and authenticates. Called on the DTLS thread only.</summary>
    internal bool Authenticates(ReadOnlySpan<byte> record)
    {
        long epoch = BinaryPrimitives.ReadUInt16BigEndian(record.Slice(3, 2));
        long sequence = ((long)BinaryPrimitives.ReadUInt16BigEndian(record.Slice(5, 2)) << 32)
            | BinaryPrimitives.ReadUInt32BigEndian(record.Slice(7, 4));
        byte[] copy = record.ToArray();
        try
        {
            _inner.DecodeCiphertext((epoch << 48) | sequence, copy[0], copy, DtlsRecordFilter.HeaderLength,
                copy.Length - DtlsRecordFilter.HeaderLength);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
