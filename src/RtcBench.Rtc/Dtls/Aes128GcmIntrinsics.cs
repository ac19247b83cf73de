using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
/// one vector compare of all 16 bytes (no early exit). GHASH is the byte-reflected multiply and reduction of Intel's
/// carry-less multiplication white paper (Gueron, Kounavis: "Intel Carry-Less Multiplication Instruction and its
/// Usage for Computing the GCM Mode", algorithm 5), four blocks per reduction (H, H², H³, H⁴); CTR runs four blocks
/// at a time so their AES rounds overlap. A struct (round keys and powers of H inline): the record layer holds it in
/// its own object, so a cold record costs no pointer chase to the key schedule. Allocates nothing per call.
/// </summary>
internal struct Aes128GcmIntrinsics
{
    internal const int KeyLength = 16;
    internal const int NonceLength = 12;
    internal const int TagLength = 16;

    private static readonly Vector128<byte> ByteReverse = Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    private RoundKeys _roundKeys;
    private readonly Vector128<ulong> _h;
    private readonly Vector128<ulong> _h2;
    private readonly Vector128<ulong> _h3;
    private readonly Vector128<ulong> _h4;

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
        _h2 = GfMul(_h, _h);
        _h3 = GfMul(_h2, _h);
        _h4 = GfMul(_h3, _h);
    }

    /// <summary>Whether this CPU has the instructions (x86-64 with AES-NI, PCLMULQDQ, SSSE3).</summary>
    internal static bool IsSupported => System.Runtime.Intrinsics.X86.Aes.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    /// <summary>Encrypts <paramref name="plaintext"/> into <paramref name="ciphertext"/> (same length) and writes the tag.</summary>
    internal readonly void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        Check(nonce, plaintext.Length, ciphertext.Length, tag.Length);
        Ctr(nonce, plaintext, ciphertext);
        ComputeTag(nonce, ciphertext, aad).CopyTo(tag);
    }

    /// <summary>
    /// Authenticates <paramref name="ciphertext"/> and <paramref name="aad"/> against <paramref name="tag"/> and, only if
    /// they authenticate, decrypts into <paramref name="plaintext"/>; false (plaintext untouched) when they do not.
    /// </summary>
    internal readonly bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> aad)
    {
        Check(nonce, ciphertext.Length, plaintext.Length, tag.Length);
        // One vector compare of all 16 bytes: no early exit, so the time does not depend on where they differ.
        if (ComputeTag(nonce, ciphertext, aad) != Vector128.Create(tag))
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

    private readonly Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        block = Sse2.Xor(block, _roundKeys[0]);
        for (int r = 1; r < 10; r++)
        {
            block = System.Runtime.Intrinsics.X86.Aes.Encrypt(block, _roundKeys[r]);
        }

        return System.Runtime.Intrinsics.X86.Aes.EncryptLast(block, _roundKeys[10]);
    }

    /// <summary>Four independent blocks round by round: the AES unit pipelines them instead of waiting on one.</summary>
    private readonly void EncryptBlocks(ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3)
    {
        var k = _roundKeys[0];
        b0 = Sse2.Xor(b0, k);
        b1 = Sse2.Xor(b1, k);
        b2 = Sse2.Xor(b2, k);
        b3 = Sse2.Xor(b3, k);
        for (int r = 1; r < 10; r++)
        {
            k = _roundKeys[r];
            b0 = System.Runtime.Intrinsics.X86.Aes.Encrypt(b0, k);
            b1 = System.Runtime.Intrinsics.X86.Aes.Encrypt(b1, k);
            b2 = System.Runtime.Intrinsics.X86.Aes.Encrypt(b2, k);
            b3 = System.Runtime.Intrinsics.X86.Aes.Encrypt(b3, k);
        }

        k = _roundKeys[10];
        b0 = System.Runtime.Intrinsics.X86.Aes.EncryptLast(b0, k);
        b1 = System.Runtime.Intrinsics.X86.Aes.EncryptLast(b1, k);
        b2 = System.Runtime.Intrinsics.X86.Aes.EncryptLast(b2, k);
        b3 = System.Runtime.Intrinsics.X86.Aes.EncryptLast(b3, k);
    }

    /// <summary>The counter block nonce ‖ count (big-endian), built in a register.</summary>
    private static Vector128<byte> CounterBlock(ulong nonceLow, ulong nonceHigh, uint count) =>
        Vector128.Create(nonceLow, nonceHigh | ((ulong)BinaryPrimitives.ReverseEndianness(count) << 32)).AsByte();

    /// <summary>CTR mode from counter 2 (counter 1 is J0, which masks the tag).</summary>
    private readonly void Ctr(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> input, Span<byte> output)
    {
        ulong nonceLow = BinaryPrimitives.ReadUInt64LittleEndian(nonce);
        ulong nonceHigh = BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]);
        uint count = 2;
        while (input.Length >= 64)
        {
            var s0 = CounterBlock(nonceLow, nonceHigh, count);
            var s1 = CounterBlock(nonceLow, nonceHigh, count + 1);
            var s2 = CounterBlock(nonceLow, nonceHigh, count + 2);
            var s3 = CounterBlock(nonceLow, nonceHigh, count + 3);
            count += 4;
            EncryptBlocks(ref s0, ref s1, ref s2, ref s3);
            Sse2.Xor(Vector128.Create(input[..16]), s0).CopyTo(output);
            Sse2.Xor(Vector128.Create(input[16..32]), s1).CopyTo(output[16..]);
            Sse2.Xor(Vector128.Create(input[32..48]), s2).CopyTo(output[32..]);
            Sse2.Xor(Vector128.Create(input[48..64]), s3).CopyTo(output[48..]);
            input = input[64..];
            output = output[64..];
        }

        while (input.Length >= 16)
        {
            var stream = EncryptBlock(CounterBlock(nonceLow, nonceHigh, count++));
            Sse2.Xor(Vector128.Create(input[..16]), stream).CopyTo(output);
            input = input[16..];
            output = output[16..];
        }

        if (input.Length > 0)
        {
            Span<byte> keystream = stackalloc byte[16];
            EncryptBlock(CounterBlock(nonceLow, nonceHigh, count)).CopyTo(keystream);
            for (int i = 0; i < input.Length; i++)
            {
                output[i] = (byte)(input[i] ^ keystream[i]);
            }
        }
    }

    /// <summary>The tag: GHASH of AAD, ciphertext and their bit lengths, masked with E(K, J0).</summary>
    private readonly Vector128<byte> ComputeTag(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> aad)
    {
        // E(K, J0) does not depend on GHASH: started first, its rounds overlap the multiplications.
        var j0 = EncryptBlock(CounterBlock(BinaryPrimitives.ReadUInt64LittleEndian(nonce), BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]), 1));
        var y = Vector128<ulong>.Zero;
        y = Ghash(y, aad);
        y = Ghash(y, ciphertext);
        // The lengths block (bits of AAD ‖ bits of ciphertext, big-endian), byte-reversed: two 64-bit lanes.
        y = GfMul(Sse2.Xor(y, Vector128.Create((ulong)ciphertext.Length * 8, (ulong)aad.Length * 8)), _h);
        return Sse2.Xor(Ssse3.Shuffle(y.AsByte(), ByteReverse), j0);
    }

    /// <summary>GHASH of <paramref name="data"/> zero-padded to whole blocks, continuing from <paramref name="y"/>.</summary>
    private readonly Vector128<ulong> Ghash(Vector128<ulong> y, ReadOnlySpan<byte> data)
    {
        // Horner's rule four blocks at a time: (y + x0)·H⁴ + x1·H³ + x2·H² + x3·H, one reduction for the four.
        while (data.Length >= 64)
        {
            Multiply(Sse2.Xor(y, Reversed(data[..16])), _h4, out var lo, out var hi);
            MultiplyAdd(Reversed(data[16..32]), _h3, ref lo, ref hi);
            MultiplyAdd(Reversed(data[32..48]), _h2, ref lo, ref hi);
            MultiplyAdd(Reversed(data[48..64]), _h, ref lo, ref hi);
            y = Reduce(lo, hi);
            data = data[64..];
        }

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
        Multiply(a, b, out var lo, out var hi);
        return Reduce(lo, hi);
    }

    /// <summary>The 256-bit carry-less product hi:lo of a and b (schoolbook: four PCLMULQDQ).</summary>
    private static void Multiply(Vector128<ulong> a, Vector128<ulong> b, out Vector128<ulong> lo, out Vector128<ulong> hi)
    {
        lo = Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        var mid = Sse2.Xor(Pclmulqdq.CarrylessMultiply(a, b, 0x10), Pclmulqdq.CarrylessMultiply(a, b, 0x01));
        hi = Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        lo = Sse2.Xor(lo, Sse2.ShiftLeftLogical128BitLane(mid, 8));
        hi = Sse2.Xor(hi, Sse2.ShiftRightLogical128BitLane(mid, 8));
    }

    /// <summary>hi:lo += a·b (carry-less: XOR), unreduced; the shift and reduction are linear, so one does for the sum.</summary>
    private static void MultiplyAdd(Vector128<ulong> a, Vector128<ulong> b, ref Vector128<ulong> lo, ref Vector128<ulong> hi)
    {
        Multiply(a, b, out var l, out var h);
        lo = Sse2.Xor(lo, l);
        hi = Sse2.Xor(hi, h);
    }

    /// <summary>The 256-bit product hi:lo shifted left one bit (the operands are bit-reflected), reduced modulo the GCM polynomial.</summary>
    private static Vector128<ulong> Reduce(Vector128<ulong> lo, Vector128<ulong> hi)
    {
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

    [InlineArray(11)]
    private struct RoundKeys
    {
        private Vector128<byte> _first;
    }
}
