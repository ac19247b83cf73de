using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace RtcBench.Rtc.Stun;

/// <summary>
/// MAPPED-ADDRESS (RFC 8489 §14.1) and XOR-MAPPED-ADDRESS (§14.2) values: a zero byte, the family (1 = IPv4,
/// 2 = IPv6), the port and the address; the XOR form masks the port with the cookie's top 16 bits and the address
/// with the cookie (IPv4) or the cookie followed by the transaction id (IPv6).
/// </summary>
public static class StunAddress
{
    public const byte FamilyIPv4 = 0x01;
    public const byte FamilyIPv6 = 0x02;

    /// <summary>Largest encoded value (IPv6).</summary>
    public const int MaxValueSize = 20;

    public static bool TryReadMapped(ReadOnlySpan<byte> value, out IPEndPoint? endpoint) =>
        TryRead(value, xor: false, default, out endpoint);

    public static bool TryReadXorMapped(ReadOnlySpan<byte> value, StunTransactionId transactionId,
        out IPEndPoint? endpoint) =>
        TryRead(value, xor: true, transactionId, out endpoint);

    /// <summary>
    /// Writes the value for <paramref name="endpoint"/> and returns its length. IPv4-mapped IPv6 addresses (from
    /// dual-mode sockets) are written as IPv4, which is what the peer's candidate says. Allocation-free.
    /// </summary>
    public static int Write(Span<byte> destination, IPEndPoint endpoint, bool xor, StunTransactionId transactionId)
    {
        Span<byte> address = stackalloc byte[16];
        if (!endpoint.Address.TryWriteBytes(address, out int written))
        {
            throw new ArgumentException("The address could not be written.", nameof(endpoint));
        }

        address = address[..written];
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.IsIPv4MappedToIPv6)
        {
            address = address[12..];
        }

        int size = 4 + address.Length;
        if (destination.Length < size)
        {
            throw new ArgumentException("The destination is too small.", nameof(destination));
        }

        destination[0] = 0;
        destination[1] = address.Length == 4 ? FamilyIPv4 : FamilyIPv6;
        ushort port = (ushort)endpoint.Port;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], xor ? (ushort)(port ^ (StunMessageReader.MagicCookie >> 16)) : port);
        address.CopyTo(destination[4..]);
        if (xor)
        {
            Mask(destination.Slice(4, address.Length), transactionId);
        }

        return size;
    }

    private static bool TryRead(ReadOnlySpan<byte> value, bool xor, StunTransactionId transactionId,
        out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (value.Length < 4)
        {
            return false;
        }

        int addressLength = value[1] switch
        {
            FamilyIPv4 => 4,
            FamilyIPv6 => 16,
            _ => -1,
        };
        if (addressLength < 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]);
        Span<byte> address = stackalloc byte[addressLength];
        value[4..].CopyTo(address);
        if (xor)
        {
            port ^= (int)(StunMessageReader.MagicCookie >> 16);
            Mask(address, transactionId);
        }

        endpoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    private static void Mask(Span<byte> address, StunTransactionId transactionId)
    {
        Span<byte> mask = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(mask, StunMessageReader.MagicCookie);
        transactionId.WriteTo(mask[4..]);
        for (int i = 0; i < address.Length; i++)
        {
            address[i] ^= mask[i];
        }
    }
}
