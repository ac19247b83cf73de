using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace RtcBench.Rtc.Stun;

/// <summary>The 96-bit STUN transaction id (RFC 8489 §5), held as two integers so it compares without allocation.</summary>
public readonly record struct StunTransactionId(ulong High, uint Low)
{
    public const int Size = 12;

    /// <summary>A cryptographically random id, as RFC 8489 §5 requires.</summary>
    public static StunTransactionId New()
    {
        Span<byte> bytes = stackalloc byte[Size];
        RandomNumberGenerator.Fill(bytes);
        return Read(bytes);
    }

    /// <summary>Reads 12 big-endian bytes.</summary>
    public static StunTransactionId Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
        {
            throw new ArgumentException("A transaction id is 12 bytes.", nameof(bytes));
        }

        return new StunTransactionId(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]));
    }

    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("A transaction id is 12 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Low);
    }

    public override string ToString() =>
        High.ToString("x16", CultureInfo.InvariantCulture) + Low.ToString("x8", CultureInfo.InvariantCulture);
}
