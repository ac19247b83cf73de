using System.Text;

namespace RtcBench.LiveKit.Data;

/// <summary>
/// Writes <c>DataPacket{kind, destination_identities=[dest], user{payload, destination_identities=[dest]}, sequence}</c>
/// (livekit_models.proto field numbers, PROTOCOLS.md §2 A2) straight into a caller's buffer: the per-ping send path,
/// so no message objects, no <c>ByteString</c>, no allocation. Protobuf's own <c>CodedOutputStream</c> would need an
/// object per packet (or a message graph per packet); the few fields here are plain tag/varint/bytes writes, and the
/// wire tests check every byte against Google.Protobuf's parser. The destination is written at both places the
/// server reads it (DataPacket.5, and the deprecated UserPacket.6 that older servers use).
/// </summary>
internal static class DataPacketWriter
{
    /// <summary>Our payload cap: LiveKit documents 15 KiB of user data per reliable packet (§2 A6).</summary>
    public const int MaxPayloadBytes = 15 * 1024;

    /// <summary>Identities longer than this (UTF-8 bytes) are refused.</summary>
    public const int MaxIdentityBytes = 512;

    /// <summary>Room for the largest packet we write.</summary>
    public const int MaxPacketBytes = MaxPayloadBytes + (2 * MaxIdentityBytes) + 64;

    private const byte TagKind = (1 << 3) | 0;            // 0x08
    private const byte TagUser = (2 << 3) | 2;            // 0x12
    private const byte TagDestinations = (5 << 3) | 2;    // 0x2A
    private const byte TagUserPayload = (2 << 3) | 2;     // 0x12
    private const byte TagUserDestinations = (6 << 3) | 2; // 0x32
    private const int TagSequence = (16 << 3) | 0;        // 0x80 0x01 as a varint

    /// <summary>
    /// Writes the packet and returns its length. <paramref name="destinationIdentity"/> empty means "everyone but me".
    /// Throws <see cref="ArgumentException"/> when the payload or identity is over the limits or the buffer too small.
    /// </summary>
    public static int Write(Span<byte> buffer, LiveKitDataKind kind, ReadOnlySpan<byte> payload, string destinationIdentity, uint sequence)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            throw new ArgumentException($"A LiveKit data payload is at most {MaxPayloadBytes} bytes (got {payload.Length}).", nameof(payload));
        }

        int destLength = Encoding.UTF8.GetByteCount(destinationIdentity);
        if (destLength > MaxIdentityBytes)
        {
            throw new ArgumentException($"A destination identity is at most {MaxIdentityBytes} UTF-8 bytes.", nameof(destinationIdentity));
        }

        int destField = destLength == 0 ? 0 : 1 + VarintSize((uint)destLength) + destLength;
        int userLength = 1 + VarintSize((uint)payload.Length) + payload.Length + destField;
        int total = (kind == LiveKitDataKind.Lossy ? 2 : 0) + 1 + VarintSize((uint)userLength) + userLength + destField
            + (sequence == 0 ? 0 : 2 + VarintSize(sequence));
        if (buffer.Length < total)
        {
            throw new ArgumentException($"The buffer holds {buffer.Length} bytes; the packet needs {total}.", nameof(buffer));
        }

        int at = 0;
        if (kind == LiveKitDataKind.Lossy)
        {
            buffer[at++] = TagKind;
            buffer[at++] = 1;
        }

        buffer[at++] = TagUser;
        at += WriteVarint(buffer[at..], (uint)userLength);
        buffer[at++] = TagUserPayload;
        at += WriteVarint(buffer[at..], (uint)payload.Length);
        payload.CopyTo(buffer[at..]);
        at += payload.Length;
        if (destLength > 0)
        {
            at += WriteString(buffer[at..], TagUserDestinations, destinationIdentity, destLength);
            at += WriteString(buffer[at..], TagDestinations, destinationIdentity, destLength);
        }

        if (sequence != 0)
        {
            at += WriteVarint(buffer[at..], TagSequence);
            at += WriteVarint(buffer[at..], sequence);
        }

        return at;
    }

    private static int WriteString(Span<byte> buffer, byte tag, string value, int utf8Length)
    {
        buffer[0] = tag;
        int at = 1 + WriteVarint(buffer[1..], (uint)utf8Length);
        return at + Encoding.UTF8.GetBytes(value, buffer[at..]);
    }

    internal static int VarintSize(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    internal static int WriteVarint(Span<byte> buffer, uint value)
    {
        int at = 0;
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[at++] = (byte)value;
        return at;
    }
}
