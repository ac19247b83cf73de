using System.Security.Cryptography;
using System.Text;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The TLS 1.2 PRF with SHA-256 (RFC 5246 §5) and what the handshake derives with it: the extended master secret
/// (RFC 7627 §4), the 0xC02B key block (RFC 5246 §6.3), Finished verify_data (§7.4.9) and the exporter (RFC 5705 §4,
/// no context), which gives the SRTP keys (RFC 5764 §4.2). Handshake only; allocates.
/// </summary>
internal static class DtlsPrf
{
    internal const int MasterSecretLength = 48;
    internal const int VerifyDataLength = 12;

    /// <summary>P_SHA256(secret, label ‖ seed) truncated to <paramref name="length"/> bytes.</summary>
    internal static byte[] Compute(ReadOnlySpan<byte> secret, string label, ReadOnlySpan<byte> seed, int length)
    {
        byte[] labelSeed = new byte[label.Length + seed.Length];
        Encoding.ASCII.GetBytes(label, labelSeed);
        seed.CopyTo(labelSeed.AsSpan(label.Length));

        byte[] output = new byte[length];
        byte[] a = HMACSHA256.HashData(secret, labelSeed); // A(1)
        byte[] block = new byte[a.Length + labelSeed.Length];
        int written = 0;
        while (written < length)
        {
            a.CopyTo(block, 0);
            labelSeed.CopyTo(block, a.Length);
            byte[] chunk = HMACSHA256.HashData(secret, block);
            int take = Math.Min(chunk.Length, length - written);
            chunk.AsSpan(0, take).CopyTo(output.AsSpan(written));
            written += take;
            a = HMACSHA256.HashData(secret, a);
        }

        return output;
    }

    /// <summary>RFC 7627 §4: master = PRF(pre_master, "extended master secret", session_hash)[48].</summary>
    internal static byte[] ExtendedMasterSecret(ReadOnlySpan<byte> preMasterSecret, ReadOnlySpan<byte> sessionHash) =>
        Compute(preMasterSecret, "extended master secret", sessionHash, MasterSecretLength);

    /// <summary>RFC 5246 §6.3: key_block = PRF(master, "key expansion", server_random ‖ client_random).</summary>
    internal static byte[] KeyBlock(ReadOnlySpan<byte> master, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom) =>
        Compute(master, DtlsRecordKeys.KeyExpansionLabel, Concat(serverRandom, clientRandom), DtlsRecordKeys.KeyBlockLength);

    /// <summary>RFC 5246 §7.4.9: PRF(master, "client finished" | "server finished", Hash(handshake_messages))[12].</summary>
    internal static byte[] VerifyData(ReadOnlySpan<byte> master, DtlsRole sender, ReadOnlySpan<byte> transcriptHash) =>
        Compute(master, sender == DtlsRole.Client ? "client finished" : "server finished", transcriptHash, VerifyDataLength);

    /// <summary>RFC 5705 §4 without context: PRF(master, label, client_random ‖ server_random).</summary>
    internal static byte[] Export(ReadOnlySpan<byte> master, string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> serverRandom, int length) =>
        Compute(master, label, Concat(clientRandom, serverRandom), length);

    private static byte[] Concat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        byte[] result = new byte[first.Length + second.Length];
        first.CopyTo(result);
        second.CopyTo(result.AsSpan(first.Length));
        return result;
    }
}
