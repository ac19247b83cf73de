using System.Security.Cryptography;
using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// The record layer's AES-128-GCM on AES-NI/PCLMULQDQ gives exactly the bytes of .NET's <see cref="AesGcm"/> (OpenSSL):
/// the NIST known answer, then random keys, nonces, lengths (every length from 0 to 300, so every partial-block case)
/// and AAD; and it rejects what <see cref="AesGcm"/> rejects, leaving the plaintext untouched.
/// </summary>
public sealed class Aes128GcmIntrinsicsTests
{
    [Fact]
    public void NistTestCase4_MatchesTheKnownAnswer()
    {
        Assert.True(Aes128GcmIntrinsics.IsSupported, "this x86-64 CPU has AES-NI and PCLMULQDQ");
        var key = Convert.FromHexString("feffe9928665731c6d6a8f9467308308");
        var nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
        var plaintext = Convert.FromHexString("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        var aad = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];

        new Aes128GcmIntrinsics(key).Encrypt(nonce, plaintext, ciphertext, tag, aad);

        Assert.Equal("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", Convert.ToHexStringLower(ciphertext));
        Assert.Equal("5bc94fbc3221a5db94fae95ae7121a47", Convert.ToHexStringLower(tag));
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(4096)] // 256 blocks: the counter's low byte wraps
    [InlineData(4113)]
    [InlineData(12_345)]
    [InlineData(16_384)] // the largest DTLS 1.2 plaintext record
    [InlineData(16_384 + 1_024)]
    public void LargeInputs_SameBytesAsAesGcm(int length)
    {
        var random = new Random(length);
        var (ours, nonce, aad, ciphertext, tag) = AssertSameBytesAsAesGcm(random, length, aadLength: 13);
        ciphertext[length / 2] ^= 0x01;
        Assert.False(ours.TryDecrypt(nonce, ciphertext, tag, new byte[length], aad));
    }

    [Fact]
    public void RandomInputs_SameBytesAsAesGcm_AndDecryptRoundTrips()
    {
        var random = new Random(1605);
        for (int length = 0; length <= 300; length++)
        {
            AssertSameBytesAsAesGcm(random, length, aadLength: random.Next(0, 41));
        }
    }

    /// <summary>Random key, nonce, plaintext and AAD: our ciphertext and tag are AesGcm's, and decryption round-trips.</summary>
    private static (Aes128GcmIntrinsics Ours, byte[] Nonce, byte[] Aad, byte[] Ciphertext, byte[] Tag) AssertSameBytesAsAesGcm(Random random, int length, int aadLength)
    {
        var key = Bytes(random, 16);
        var nonce = Bytes(random, 12);
        var plaintext = Bytes(random, length);
        var aad = Bytes(random, aadLength);
        var expected = new byte[length];
        var expectedTag = new byte[16];
        using (var reference = new AesGcm(key, 16))
        {
            reference.Encrypt(nonce, plaintext, expected, expectedTag, aad);
        }

        var ours = new Aes128GcmIntrinsics(key);
        var ciphertext = new byte[length];
        var tag = new byte[16];
        ours.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        Assert.Equal(expected, ciphertext);
        Assert.Equal(expectedTag, tag);

        var decrypted = new byte[length];
        Assert.True(ours.TryDecrypt(nonce, ciphertext, tag, decrypted, aad));
        Assert.Equal(plaintext, decrypted);
        return (ours, nonce, aad, ciphertext, tag);
    }

    [Fact]
    public void Tampering_AnyBitOfCiphertextTagOrAad_IsRejectedAndThePlaintextIsUntouched()
    {
        var random = new Random(7);
        var key = Bytes(random, 16);
        var nonce = Bytes(random, 12);
        var plaintext = Bytes(random, 45);
        var aad = Bytes(random, 13);
        var ours = new Aes128GcmIntrinsics(key);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        ours.Encrypt(nonce, plaintext, ciphertext, tag, aad);

        foreach (var part in new[] { ciphertext, tag, aad, nonce })
        {
            for (int bit = 0; bit < part.Length * 8; bit += 3)
            {
                part[bit / 8] ^= (byte)(1 << (bit % 8));
                var output = new byte[plaintext.Length];
                Array.Fill(output, (byte)0xA5);
                Assert.False(ours.TryDecrypt(nonce, ciphertext, tag, output, aad));
                Assert.All(output, b => Assert.Equal(0xA5, b));
                part[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }

        Assert.True(ours.TryDecrypt(nonce, ciphertext, tag, new byte[plaintext.Length], aad));
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

/// <summary>
/// The record layer on AES-NI and on its <see cref="AesGcm"/> fallback (used where the CPU lacks the instructions, or
/// with DOTNET_EnableAES=0) read each other's records both ways, and each rejects a record with one flipped bit.
/// </summary>
public sealed class DtlsAeadRecordLayerCipherTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void RecordsCrossBetweenTheTwoCiphers_BothWays(bool clientIntrinsics, bool serverIntrinsics)
    {
        var keyBlock = new byte[DtlsRecordKeys.KeyBlockLength];
        new Random(11).NextBytes(keyBlock);
        using var client = new DtlsAeadRecordLayer(DtlsRecordKeys.FromKeyBlock(DtlsRole.Client, keyBlock), 0xFEFD, 1, clientIntrinsics);
        using var server = new DtlsAeadRecordLayer(DtlsRecordKeys.FromKeyBlock(DtlsRole.Server, keyBlock), 0xFEFD, 1, serverIntrinsics);
        var record = new byte[2048];
        var plaintext = new byte[2048];
        for (int length = 0; length < 300; length += 7)
        {
            var message = new byte[length];
            new Random(length).NextBytes(message);
            foreach (var (from, to) in new[] { (client, server), (server, client) })
            {
                int n = from.Encrypt(23, message, record);
                Assert.True(to.TryDecrypt(record.AsSpan(0, n), plaintext, out int got));
                Assert.Equal(message, plaintext[..got]);

                n = from.Encrypt(23, message, record);
                record[n - 1] ^= 0x01; // the tag's last bit
                Assert.False(to.TryDecrypt(record.AsSpan(0, n), plaintext, out _));
            }
        }

        Assert.Equal(43, client.Forged);
        Assert.Equal(43, server.Forged);
    }
}
