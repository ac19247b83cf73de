using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>A type-length-value item: a chunk parameter (RFC 9260 §3.2.1) or an error cause (§3.3.10).</summary>
internal readonly record struct SctpTlv(ushort Type, byte[] Value)
{
    public int Length => 4 + Value.Length;

    public int PaddedLength => (Length + 3) & ~3;

    public static SctpTlv Empty(ushort type) => new(type, []);

    /// <summary>
    /// Reads consecutive TLVs. Each but the last is padded to 4 bytes; the last one's padding may lie outside the
    /// chunk (RFC 9260 §3.2). Returns false on a malformed list (length below 4 or past the end).
    /// </summary>
    public static bool TryReadAll(ReadOnlySpan<byte> span, List<SctpTlv> into)
    {
        while (span.Length > 0)
        {
            if (span.Length < 4)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(span);
            int len = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
            if (len < 4 || len > span.Length)
            {
                return false;
            }

            into.Add(new SctpTlv(type, span[4..len].ToArray()));
            var padded = (len + 3) & ~3;
            span = padded >= span.Length ? [] : span[padded..];
        }

        return true;
    }

    public static int TotalLength(IReadOnlyList<SctpTlv> items)
    {
        var n = 0;
        for (var i = 0; i < items.Count; i++)
        {
            n += i == items.Count - 1 ? items[i].Length : items[i].PaddedLength;
        }

        return n;
    }

    /// <summary>Writes the TLVs with zero padding between them; returns bytes written (no trailing padding).</summary>
    public static int WriteAll(IReadOnlyList<SctpTlv> items, Span<byte> dest)
    {
        var off = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var t = items[i];
            BinaryPrimitives.WriteUInt16BigEndian(dest[off..], t.Type);
            BinaryPrimitives.WriteUInt16BigEndian(dest[(off + 2)..], (ushort)t.Length);
            t.Value.CopyTo(dest[(off + 4)..]);
            off += t.Length;
            if (i < items.Count - 1)
            {
                var pad = t.PaddedLength - t.Length;
                dest.Slice(off, pad).Clear();
                off += pad;
            }
        }

        return off;
    }
}
