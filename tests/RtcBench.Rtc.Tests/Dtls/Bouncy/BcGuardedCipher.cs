using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Wraps the record cipher BouncyCastle negotiates (installed by <see cref="BcDtlsCrypto"/>) for two jobs:
/// <list type="bullet">
/// <item><b>Every undecodable record is dropped, never fatal.</b> BouncyCastle 2.x's DTLS record layer already drops a
/// record that fails authentication (bad_record_mac, RFC 6347 §4.1.2.7), but a record too short for nonce and tag
/// raises decode_error, and a CBC record that is not a whole number of blocks raises decryption_failed; both are fatal
/// there. One spoofed UDP packet must not end a session, so any decoding failure becomes bad_record_mac (dropped,
/// and counted in <see cref="Rejected"/>).</item>
/// <item><b>Write sequence numbers never repeat.</b> It sees the sequence number of every record BouncyCastle
/// encrypts in the new epoch. <see cref="SealAndGetNextWriteSequence"/> stops any further encryption (it would
/// throw instead of reusing a GCM nonce) and tells our own record layer where to continue.</item>
/// </list>
/// </summary>
internal sealed class BcGuardedCipher : TlsCipher, TlsCipherExt
{
    private readonly TlsCipher _inner;
    private readonly Lock _encodeLock = new();
    private long _highestWritten = -1;
    private long _rejected;
    private bool _sealed;

    internal BcGuardedCipher(TlsCipher inner) => _inner = inner;

    /// <summary>Records of this epoch that did not decode (forged, corrupted, malformed) and were dropped.</summary>
    internal long Rejected => Interlocked.Read(ref _rejected);

    public bool UsesOpaqueRecordType => _inner.UsesOpaqueRecordType;

    public int GetCiphertextDecodeLimit(int plaintextLimit) => _inner.GetCiphertextDecodeLimit(plaintextLimit);

    public int GetCiphertextEncodeLimit(int plaintextLength, int plaintextLimit) =>
        _inner.GetCiphertextEncodeLimit(plaintextLength, plaintextLimit);

    public int GetPlaintextLimit(int ciphertextLimit) => _inner.GetPlaintextLimit(ciphertextLimit);

    public int GetPlaintextDecodeLimit(int ciphertextLimit) =>
        _inner is TlsCipherExt ext ? ext.GetPlaintextDecodeLimit(ciphertextLimit) : _inner.GetPlaintextLimit(ciphertextLimit);

    public int GetPlaintextEncodeLimit(int ciphertextLimit) =>
        _inner is TlsCipherExt ext ? ext.GetPlaintextEncodeLimit(ciphertextLimit) : _inner.GetPlaintextLimit(ciphertextLimit);

    public TlsEncodeResult EncodePlaintext(long seqNo, short contentType, ProtocolVersion recordVersion, int headerAllocation,
        byte[] plaintext, int offset, int len)
    {
        lock (_encodeLock)
        {
            Written(seqNo);
            return _inner.EncodePlaintext(seqNo, contentType, recordVersion, headerAllocation, plaintext, offset, len);
        }
    }

    public TlsEncodeResult EncodePlaintext(long seqNo, short contentType, ProtocolVersion recordVersion, int headerAllocation,
        ReadOnlySpan<byte> plaintext)
    {
        lock (_encodeLock)
        {
            Written(seqNo);
            return _inner.EncodePlaintext(seqNo, contentType, recordVersion, headerAllocation, plaintext);
        }
    }

    public TlsDecodeResult DecodeCiphertext(long seqNo, short recordType, ProtocolVersion recordVersion, byte[] ciphertext,
        int offset, int len)
    {
        try
        {
            return _inner.DecodeCiphertext(seqNo, recordType, recordVersion, ciphertext, offset, len);
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _rejected);
            throw e is TlsFatalAlert { AlertDescription: AlertDescription.bad_record_mac }
                ? e
                : new TlsFatalAlert(AlertDescription.bad_record_mac, "Undecodable record dropped.", e);
        }
    }

    public void RekeyDecoder() => _inner.RekeyDecoder();

    public void RekeyEncoder() => _inner.RekeyEncoder();

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

    private void Written(long seqNo)
    {
        if (_sealed)
        {
            // Our own record layer owns the write sequence now: an encoding here could reuse a GCM nonce.
            throw new TlsFatalAlert(AlertDescription.internal_error, "The record layer was handed over.");
        }

        _highestWritten = Math.Max(_highestWritten, seqNo & 0xFFFF_FFFF_FFFFL);
    }
}
