namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The record keys of TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xC02B) for one side, split from the key block the
/// handshake's master secret expands to (RFC 5246 §6.3; with RFC 7627 the extended master secret already binds the
/// session hash, so the key expansion is unchanged): <c>key_block = PRF(master, "key expansion", server_random ‖
/// client_random)</c> = client_write_key[16] ‖ server_write_key[16] ‖ client_write_IV[4] ‖ server_write_IV[4]
/// (RFC 5288 §3: AEAD suites have no MAC keys; the IV is the 4-byte implicit salt). BouncyCastle computes the PRF
/// (<c>TlsSecret.DeriveUsingPrf</c>, see <see cref="BcPeerState"/>).
/// </summary>
internal sealed class DtlsRecordKeys
{
    internal const int CipherSuiteAes128GcmSha256 = 0xC02B;
    internal const string KeyExpansionLabel = "key expansion";
    internal const int KeyLength = 16;
    internal const int SaltLength = 4;
    internal const int KeyBlockLength = (2 * KeyLength) + (2 * SaltLength);

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

    /// <summary>Splits <paramref name="keyBlock"/> for <paramref name="role"/> (its write keys are the other side's read keys).</summary>
    internal static DtlsRecordKeys FromKeyBlock(DtlsRole role, ReadOnlySpan<byte> keyBlock)
    {
        if (keyBlock.Length != KeyBlockLength)
        {
            throw new ArgumentException($"The 0xC02B key block is {KeyBlockLength} bytes, not {keyBlock.Length}.", nameof(keyBlock));
        }

        byte[] clientKey = keyBlock[..KeyLength].ToArray();
        byte[] serverKey = keyBlock.Slice(KeyLength, KeyLength).ToArray();
        byte[] clientSalt = keyBlock.Slice(2 * KeyLength, SaltLength).ToArray();
        byte[] serverSalt = keyBlock.Slice((2 * KeyLength) + SaltLength, SaltLength).ToArray();
        return role == DtlsRole.Client
            ? new DtlsRecordKeys(clientKey, clientSalt, serverKey, serverSalt)
            : new DtlsRecordKeys(serverKey, serverSalt, clientKey, clientSalt);
    }
}
