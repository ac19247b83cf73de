using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// AES-128-GCM (NIST SP 800-38D, 96-bit nonces, 16-byte tags) on the CPU's AES-NI and PCLMULQDQ instructions, for the
/// record layer's hot path: each <see cref="AesGcm"/> call crosses into OpenSSL several times (cipher re-init, AAD,
/// update, tag, final, and an error-queue clear around each) which costs about as much as the cipher itself on a
/// 200-byte record. Same bytes as <see cref="AesGcm"/> (cross-checked in tests on random inputs and the NIST vectors);
/// AES rounds and the carry-less multiply run in constant time, and the tag is compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>. GHASH is the byte-reflected multiply and reduction of Intel's
/// carry-less multiplication white paper (Gueron, Kounavis: "Intel Carry-Less Multiplication Instruction and its
/// Usage for Computing the GCM Mode", algorithm 5). Allocates nothing per call. Not thread-safe per instance.
/// </summary>
internal sealed class Aes128GcmIntrinsics
{
    internal const int KeyLength = 16;
    internal const int NonceLength = 12;
    internal const int TagLength = 16;

    private static readonly Vector128<byte> ByteReverse = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    private readonly Vector128<byte>[] _roundKeys = new Vector128<byte>[11];
    private readonly Vector128<ulong> _h;

    internal Aes128GcmIntrinsics(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException("An AES-128 key is 16 bytes.", nameof(key));
        }

        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI, PCLMULQDQ and SSSE3 are required.");
        }

        var k = Vector128.Create(key);
        _roundKeys[0] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x01));
        _roundKeys[1] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x02));
        _roundKeys[2] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x04));
        _roundKeys[3] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x08));
        _roundKeys[4] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x10));
        _roundKeys[5] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x20));
        _roundKeys[6] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x40));
        _roundKeys[7] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x80));
        _roundKeys[8] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x1B));
        _roundKeys[9] = k;
        k = Expand(k, System.Runtime.Intrinsics.X86.Aes.KeygenAssist(k, 0x36));
        _roundKeys[10] = k;
        _h = Ssse3.Shuffle(EncryptBlock(Vector128<byte>.Zero), ByteReverse).AsUInt64();
    }

    /// <summary>Whether this CPU has the instructions (x86-64 with AES-NI, PCLMULQDQ, SSSE3).</summary>
    internal static bool IsSupported => System.Runtime.Intrinsics.X86.Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length) and writes the tag.</summary>
    internal void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        Check(nonce, plaintext.Length, ciphertext.Length, tag.Length);
        Ctr(nonce, plaintext, ciphertext);
        ComputeTag(nonce, ciphertext, aad, tag);
    }

    /// <summary>
    /// Authenticates <paramref name="ciphertext"/> and <paramref name="aad"/> against <paramref name="tag"/> and, only if
    /// they authenticate, decrypts into <paramref name="plaintext"/>; false (plaintext untouched) when they do not.
    /// </summary>
    internal bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        Check(nonce, ciphertext.Length, plaintext.Length, tag.Length);
        Span<byte> expected = stackalloc byte[TagLength];
        ComputeTag(nonce, ciphertext, aad, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return false;
        }

        Ctr(nonce, ciphertext, plaintext);
        return true;
    }

    private static void Check(ReadOnlySpan<byte> nonce, int inputLength, int outputLength, int tagLength)
    {
        if (nonce.Length != NonceLength || outputLength != inputLength || tagLength != TagLength)
        {
            throw new ArgumentException("A 12-byte nonce, a 16-byte tag and an output as long as the input are required.");
        }
    }

    private static Vector128<byte> Expand(Vector128<byte> key, Vector128<byte> assist)
    {
        assist = Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        return Sse2.Xor(key, assist);
    }

    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        var rk = _roundKeys;
        block = Sse2.Xor(block, rk[0]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[1]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[2]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[3]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[4]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[5]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[6]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[7]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[8]);
        block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, rk[9]);
        return System.Runtime.Intrinsics.X86.Aes.EncryptLast(block, rk[10]);
    }

    /// <summary>CTR mode from counter 2 (counter 1 is J0, which masks the tag).</summary>
    private void Ctr(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<byte> counter = stackalloc byte[16];
        nonce.CopyTo(counter);
        uint count = 2;
        while (input.Length >= 16)
        {
            BinaryPrimitives.WriteUInt32BigEndian(counter[12..], count++);
            var stream = EncryptBlock(Vector128.Create((ReadOnlySpan<byte>)counter));
            Sse2.Xor(Vector128.Create(input[..16]), stream).CopyTo(output);
            input = input[16..];
            output = output[16..];
        }

        if (input.Length > 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(counter[12..], count);
            EncryptBlock(Vector128.Create((ReadOnlySpan<byte>)counter)).CopyTo(counter);
            for (int i = 0; i < input.Length; i++)
            {
                output[i] = (byte)(input[i] ^ counter[i]);
            }
        }
    }

    private void ComputeTag(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> aad, Span<byte> tag)
    {
        var y = Vector128<ulong>.Zero;
        y = Ghash(y, aad);
        y = Ghash(y, ciphertext);
        Span<byte> block = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(block, (ulong)aad.Length * 8);
        BinaryPrimitives.WriteUInt64BigEndian(block[8..], (ulong)ciphertext.Length * 8);
        y = GfMul(Sse2.Xor(y, Reversed(block)), _h);

        nonce.CopyTo(block);
        BinaryPrimitives.WriteUInt32BigEndian(block[12..], 1);
        var j0 = EncryptBlock(Vector128.Create((ReadOnlySpan<byte>)block));
        Sse2.Xor(Ssse3.Shuffle(y.AsByte(), ByteReverse), j0).CopyTo(tag);
    }

    /// <summary>GHASH of <paramref name="data"/> zero-padded to whole blocks, continuing from <paramref name="y"/>.</summary>
    private Vector128<ulong> Ghash(Vector128<ulong> y, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 16)
        {
            y = GfMul(Sse2.Xor(y, Reversed(data[..16])), _h);
            data = data[16..];
        }

        if (data.Length > 0)
        {
            Span<byte> last = stackalloc byte[16];
            last.Clear();
            data.CopyTo(last);
            y = GfMul(Sse2.Xor(y, Reversed(last)), _h);
        }

        return y;
    }

    private static Vector128<ulong> Reversed(ReadOnlySpan<byte> block) => Ssse3.Shuffle(Vector128.Create(block[..16]), ByteReverse).AsUInt64();

    /// <summary>a·b in GF(2^128) on byte-reflected operands (the white paper's gfmul).</summary>
    private static Vector128<ulong> GfMul(Vector128<ulong> a, Vector128<ulong> b)
    {
        var lo = Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        var mid = Sse2.Xor(Pclmulqdq.CarrylessMultiply(a, b, 0x10), Pclmulqdq.CarrylessMultiply(a, b, 0x01));
        var hi = Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        lo = Sse2.Xor(lo, Sse2.ShiftLeftLogical128BitLane(mid, 8));
        hi = Sse2.Xor(hi, Sse2.ShiftRightLogical128BitLane(mid, 8));

        // The 256-bit product hi:lo shifted left by one bit (the operands are bit-reflected).
        var lo32 = lo.AsUInt32();
        var hi32 = hi.AsUInt32();
        var carryLo = Sse2.ShiftRightLogical(lo32, 31);
        var carryHi = Sse2.ShiftRightLogical(hi32, 31);
        lo32 = Sse2.ShiftLeftLogical(lo32, 1);
        hi32 = Sse2.ShiftLeftLogical(hi32, 1);
        var across = Sse2.ShiftRightLogical128BitLane(carryLo, 12);
        carryHi = Sse2.ShiftLeftLogical128BitLane(carryHi, 4);
        carryLo = Sse2.ShiftLeftLogical128BitLane(carryLo, 4);
        lo32 = Sse2.Or(lo32, carryLo);
        hi32 = Sse2.Or(hi32, carryHi);
        hi32 = Sse2.Or(hi32, across);

        // Reduction modulo x^128 + x^7 + x^2 + x + 1.
        var a1 = Sse2.ShiftLeftLogical(lo32, 31);
        var a2 = Sse2.ShiftLeftLogical(lo32, 30);
        var a3 = Sse2.ShiftLeftLogical(lo32, 25);
        a1 = Sse2.Xor(Sse2.Xor(a1, a2), a3);
        var spill = Sse2.ShiftRightLogical128BitLane(a1, 4);
        a1 = Sse2.ShiftLeftLogical128BitLane(a1, 12);
        lo32 = Sse2.Xor(lo32, a1);
        var b1 = Sse2.ShiftRightLogical(lo32, 1);
        var b2 = Sse2.ShiftRightLogical(lo32, 2);
        var b3 = Sse2.ShiftRightLogical(lo32, 7);
        b1 = Sse2.Xor(Sse2.Xor(Sse2.Xor(b1, b2), b3), spill);
        lo32 = Sse2.Xor(lo32, b1);
        return Sse2.Xor(hi32, lo32).AsUInt64();
    }
}
