namespace RtcBench.Rtc.Stun;

/// <summary>
/// CRC-32 as ISO/IEC 13239 / IEEE 802.3 define it (reflected polynomial 0xEDB88320, initial value and final XOR
/// 0xFFFFFFFF), the checksum FINGERPRINT uses (RFC 8489 §14.7). Table-driven, one byte per step.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The running value before any byte.</summary>
    public const uint Start = 0xFFFFFFFF;

    /// <summary>Feeds bytes into a running value (start from <see cref="Start"/>, end with <see cref="Finish"/>).</summary>
    public static uint Update(uint running, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        uint crc = running;
        foreach (byte b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    public static uint Finish(uint running) => running ^ 0xFFFFFFFF;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
