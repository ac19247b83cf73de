using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// DTLS 1.2 records of epoch 1 protected with AES-128-GCM (RFC 5288 over RFC 6347 §4.1), in .NET's
/// <see cref="AesGcm"/>, into caller-provided buffers:
/// <list type="bullet">
/// <item>header = type ‖ version (FE FD) ‖ epoch[2] ‖ sequence[6] ‖ length[2]; fragment = explicit_nonce[8] ‖
/// ciphertext ‖ tag[16] (37 bytes of overhead with the header).</item>
/// <item>nonce = salt[4] ‖ explicit_nonce[8]; we send epoch ‖ sequence as the explicit nonce, as BouncyCastle does.
/// Sequence numbers never repeat: writing continues above the highest one the handshake used.</item>
/// <item>AAD = epoch ‖ sequence ‖ type ‖ version ‖ plaintext length (RFC 6347 §4.1.2.1, RFC 5246 §6.2.3.3).</item>
/// </list>
/// Encrypt and decrypt hold separate cipher instances; the caller serialises each direction. On x86-64 with AES-NI and
/// PCLMULQDQ the cipher is <see cref="Aes128GcmIntrinsics"/> (same bytes, no OpenSSL call per record: measured in
/// bench/results/direct-core.md); elsewhere, or for another key size, <see cref="AesGcm"/>.
/// </summary>
internal sealed class DtlsAeadRecordLayer : IDisposable
{
    internal const int HeaderLength = 13;
    internal const int ExplicitNonceLength = 8;
    internal const int TagLength = 16;
    internal const int Overhead = HeaderLength + ExplicitNonceLength + TagLength;
    internal const ushort Epoch = 1;
    private const long MaxSequence = (1L << 48) - 1;

    private readonly AesGcm? _encrypt;
    private readonly AesGcm? _decrypt;
    private readonly Aes128GcmIntrinsics _fastEncrypt; // held inline (see there); used when _fast
    private readonly Aes128GcmIntrinsics _fastDecrypt;
    private readonly bool _fast;
    private readonly uint _writeSalt; // the 4-byte salts as they lie in memory (nonce = salt ‖ explicit nonce)
    private readonly uint _readSalt;
    private readonly ushort _version;
    private long _nextWriteSequence;
    private DtlsReplayWindow _window = new();

    /// <param name="keys">The derived record keys of our role.</param>
    /// <param name="version">The negotiated wire version (0xFEFD).</param>
    /// <param name="firstWriteSequence">One above the highest epoch-1 sequence number the handshake already sent.</param>
    /// <param name="intrinsics">False forces .NET <see cref="AesGcm"/> (tests of that fallback).</param>
    internal DtlsAeadRecordLayer(DtlsRecordKeys keys, int version, long firstWriteSequence, bool intrinsics = true)
    {
        if (intrinsics && Aes128GcmIntrinsics.IsSupported && keys.WriteKey.Length == Aes128GcmIntrinsics.KeyLength
            && keys.ReadKey.Length == Aes128GcmIntrinsics.KeyLength)
        {
            _fastEncrypt = new Aes128GcmIntrinsics(keys.WriteKey);
            _fastDecrypt = new Aes128GcmIntrinsics(keys.ReadKey);
            _fast = true;
        }
        else
        {
            _encrypt = new AesGcm(keys.WriteKey, TagLength);
            _decrypt = new AesGcm(keys.ReadKey, TagLength);
        }
        _writeSalt = BinaryPrimitives.ReadUInt32LittleEndian(keys.WriteSalt);
        _readSalt = BinaryPrimitives.ReadUInt32LittleEndian(keys.ReadSalt);
        _version = (ushort)version;
        _nextWriteSequence = firstWriteSequence;
    }

    /// <summary>Records that failed authentication (forged, corrupted, or keyed for someone else).</summary>
    internal long Forged { get; private set; }

    /// <summary>Records discarded by the replay window (duplicates, or older than the window).</summary>
    internal long Replayed { get; private set; }

    internal long NextWriteSequence => _nextWriteSequence;

    /// <summary>
    /// Writes one record of <paramref name="type"/> carrying <paramref name="plaintext"/> into
    /// <paramref name="destination"/> (at least <c>plaintext.Length + Overhead</c> bytes) and returns its length.
    /// </summary>
    internal int Encrypt(byte type, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        int length = plaintext.Length + Overhead;
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is too small for the record.", nameof(destination));
        }

        long sequence = _nextWriteSequence;
        if (sequence > MaxSequence)
        {
            throw new InvalidOperationException("The epoch-1 sequence numbers are exhausted.");
        }

        _nextWriteSequence = sequence + 1;
        destination[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], _version);
        WriteEpochAndSequence(destination[3..], sequence);
        BinaryPrimitives.WriteUInt16BigEndian(destination[11..], (ushort)(length - HeaderLength));
        var explicitNonce = destination.Slice(HeaderLength, ExplicitNonceLength);
        WriteEpochAndSequence(explicitNonce, sequence);

        Span<byte> nonce = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, _writeSalt);
        explicitNonce.CopyTo(nonce[4..]);
        Span<byte> aad = stackalloc byte[13];
        BuildAad(aad, destination[..HeaderLength], plaintext.Length);
        var body = destination.Slice(HeaderLength + ExplicitNonceLength, plaintext.Length);
        var tag = destination.Slice(HeaderLength + ExplicitNonceLength + plaintext.Length, TagLength);
        if (_fast)
        {
            _fastEncrypt.Encrypt(nonce, plaintext, body, tag, aad);
        }
        else
        {
            _encrypt!.Encrypt(nonce, plaintext, body, tag, aad);
        }
        return length;
    }

    /// <summary>
    /// Authenticates and decrypts one epoch-1 record (header included, exactly framed) into <paramref name="plaintext"/>.
    /// False (and counted) for a replay or a record that does not authenticate; the window moves only on success.
    /// </summary>
    internal bool TryDecrypt(ReadOnlySpan<byte> record, Span<byte> plaintext, out int length)
    {
        length = 0;
        if (record.Length < Overhead || BinaryPrimitives.ReadUInt16BigEndian(record[3..]) != Epoch)
        {
            Forged++;
            return false;
        }

        long sequence = ((long)BinaryPrimitives.ReadUInt16BigEndian(record[5..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(record[7..]);
        if (_window.ShouldDiscard(sequence))
        {
            Replayed++;
            return false;
        }

        int plaintextLength = record.Length - Overhead;
        if (plaintext.Length < plaintextLength)
        {
            Forged++;
            return false;
        }

        Span<byte> nonce = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, _readSalt);
        record.Slice(HeaderLength, ExplicitNonceLength).CopyTo(nonce[4..]);
        Span<byte> aad = stackalloc byte[13];
        BuildAad(aad, record[..HeaderLength], plaintextLength);
        var output = plaintext[..plaintextLength];
        if (_fast)
        {
            if (!_fastDecrypt.TryDecrypt(nonce, record.Slice(HeaderLength + ExplicitNonceLength, plaintextLength),
                record.Slice(record.Length - TagLength, TagLength), output, aad))
            {
                Forged++;
                return false;
            }

            _window.MarkAuthenticated(sequence);
            length = plaintextLength;
            return true;
        }

        try
        {
            _decrypt!.Decrypt(nonce, record.Slice(HeaderLength + ExplicitNonceLength, plaintextLength),
                record.Slice(record.Length - TagLength, TagLength), output, aad);
        }
        catch (CryptographicException)
        {
            output.Clear();
            Forged++;
            return false;
        }

        _window.MarkAuthenticated(sequence);
        length = plaintextLength;
        return true;
    }

    /// <summary>
    /// Starts the anti-replay window afresh: the managed handshake calls it when connected, so that the handshake's own
    /// epoch-1 records (the Finished) do not occupy sequence numbers application data may reuse. werift numbers its
    /// epoch-1 application data from 1 again after its Finished (seq 7), and its 7th record was dropped as a replay.
    /// The Bouncy path gets the same effect by creating this layer after the handshake.
    /// </summary>
    internal void ResetReplayWindow() => _window = new DtlsReplayWindow();

    public void Dispose()
    {
        _encrypt?.Dispose();
        _decrypt?.Dispose();
    }

    private static void WriteEpochAndSequence(Span<byte> destination, long sequence)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Epoch);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)(sequence >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)sequence);
    }

    /// <summary>seq_num (epoch ‖ sequence, from the header) ‖ type ‖ version ‖ plaintext length.</summary>
    private static void BuildAad(Span<byte> aad, ReadOnlySpan<byte> header, int plaintextLength)
    {
        header.Slice(3, 8).CopyTo(aad);
        aad[8] = header[0];
        aad[9] = header[1];
        aad[10] = header[2];
        BinaryPrimitives.WriteUInt16BigEndian(aad[11..], (ushort)plaintextLength);
    }
}
