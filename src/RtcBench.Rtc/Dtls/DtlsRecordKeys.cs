using System.Security.Cryptography;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The record keys of TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xC02B) for one side, derived from the master secret
/// the handshake produced (RFC 5246 §6.3; with RFC 7627 the extended master secret already binds the session hash,
/// so the key expansion is unchanged): <c>key_block = PRF(master, "key expansion", server_random ‖ client_random)</c>
/// = client_write_key[16] ‖ server_write_key[16] ‖ client_write_IV[4] ‖ server_write_IV[4] (RFC 5288 §3: AEAD
/// suites have no MAC keys; the IV is the 4-byte implicit salt).
/// </summary>
internal sealed class DtlsRecordKeys
{
    internal const int CipherSuiteAes128GcmSha256 = 0xC02B;
    internal const int KeyLength = 16;
    internal const int SaltLength = 4;

    private DtlsRecordKeys(byte[] writeKey, byte[] writeSalt, byte[] readKey, byte[] readSalt)
    {
        WriteKey = writeKey;
        WriteSalt = writeSalt;
        ReadKey = readKey;
        ReadSalt = readSalt;
    }

    internal byte[] WriteKey { get; }

    internal byte[] WriteSalt { get; }

    internal byte[] ReadKey { get; }

    internal byte[] ReadSalt { get; }

    /// <summary>Derives the keys for <paramref name="role"/> (its write keys are the other side's read keys).</summary>
    internal static DtlsRecordKeys Derive(DtlsRole role, ReadOnlySpan<byte> masterSecret, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom)
    {
        if (masterSecret.Length != 48 || clientRandom.Length != 32 || serverRandom.Length != 32)
        {
            throw new ArgumentException("A master secret of 48 bytes and randoms of 32 bytes are required.");
        }

        Span<byte> seed = stackalloc byte[64];
        serverRandom.CopyTo(seed);
        clientRandom.CopyTo(seed[32..]);
        Span<byte> block = stackalloc byte[(2 * KeyLength) + (2 * SaltLength)];
        TlsPrf.Sha256(masterSecret, "key expansion", seed, block);
        byte[] clientKey = block[..KeyLength].ToArray();
        byte[] serverKey = block.Slice(KeyLength, KeyLength).ToArray();
        byte[] clientSalt = block.Slice(2 * KeyLength, SaltLength).ToArray();
        byte[] serverSalt = block.Slice((2 * KeyLength) + SaltLength, SaltLength).ToArray();
        CryptographicOperations.ZeroMemory(block);
        return role == DtlsRole.Client
            ? new DtlsRecordKeys(clientKey, clientSalt, serverKey, serverSalt)
            : new DtlsRecordKeys(serverKey, serverSalt, clientKey, clientSalt);
    }
}
