using System.Security.Cryptography;

namespace RtcBench.Platforms.Udp;

/// <summary>
/// The framing of the <c>udp</c> platform: a fixed 36-byte header in front of the ping protocol's JSON so the echo
/// agent can route a datagram to its room and reject forged ones, without touching the measured payload.
/// <code>
/// 0      2     3     4                      20                     36
/// | "RB" | ver | typ |  room id (16 bytes)  |  room token (16 B)   | payload (ping or pong JSON) ...
/// </code>
/// ver = 1; typ = 1 for runner → agent, 2 for agent → runner.
/// </summary>
public static class UdpFrame
{
    public const int HeaderLength = 36;
    public const byte Version = 1;
    public const byte TypeToEcho = 1;
    public const byte TypeFromEcho = 2;
    public const int TokenLength = 16;

    /// <summary>
    /// The smallest readiness probe (JSON bytes after the header) the echo can answer: a probe's pong is never larger
    /// than the probe, and an unpadded pong takes up to 181 bytes. Runners pad probes to at least this.
    /// </summary>
    public const int MinProbeBytes = 256;

    /// <summary>Largest datagram either side sends or accepts.</summary>
    public const int MaxDatagram = HeaderLength + Core.Protocol.PingCodec.MaxMessageBytes;

    public static byte[] NewToken() => RandomNumberGenerator.GetBytes(TokenLength);

    /// <summary>Writes the header into the first <see cref="HeaderLength"/> bytes of <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, byte type, Guid room, ReadOnlySpan<byte> token)
    {
        if (destination.Length < HeaderLength)
        {
            throw new ArgumentException("Destination too small for a UDP frame header.", nameof(destination));
        }
        if (token.Length != TokenLength)
        {
            throw new ArgumentException("A room token is 16 bytes.", nameof(token));
        }
        destination[0] = (byte)'R';
        destination[1] = (byte)'B';
        destination[2] = Version;
        destination[3] = type;
        if (!room.TryWriteBytes(destination.Slice(4, 16), bigEndian: true, out _))
        {
            throw new ArgumentException("Cannot write room id.", nameof(destination));
        }
        token.CopyTo(destination.Slice(20, TokenLength));
    }

    /// <summary>Reads a header; false (never throws) when the datagram is not one of ours.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> datagram, out byte type, out Guid room, out ReadOnlySpan<byte> token, out ReadOnlySpan<byte> payload)
    {
        type = 0;
        room = default;
        token = default;
        payload = default;
        if (datagram.Length < HeaderLength || datagram[0] != (byte)'R' || datagram[1] != (byte)'B' || datagram[2] != Version)
        {
            return false;
        }
        type = datagram[3];
        if (type is not (TypeToEcho or TypeFromEcho))
        {
            return false;
        }
        room = new Guid(datagram.Slice(4, 16), bigEndian: true);
        token = datagram.Slice(20, TokenLength);
        payload = datagram[HeaderLength..];
        return true;
    }

    /// <summary>Constant-time token comparison.</summary>
    public static bool TokenEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length == b.Length && CryptographicOperations.FixedTimeEquals(a, b);
}
