namespace RtcBench.Core.Protocol;

/// <summary>
/// Reads pings and pongs laid out exactly as <see cref="PingCodec"/> writes them, in one forward pass with no JSON
/// reader: the fields in the written order, no white space, <c>seq</c> and <c>wc</c> as plain integers, timestamps as
/// µs with exactly three decimals, padding of printable ASCII. It answers false for anything else, and the caller then
/// reads the message with the general reader, so this is only ever a faster way to the same answer: every message it
/// accepts is one the general reader accepts too, with the same fields (cross-checked by tests on written, mutated and
/// random messages). Integers have at most 18 digits; a wall anchor must be below 2^53 in magnitude (a double then
/// holds it exactly, as the general reader's double does).
/// </summary>
internal static class PingCodecCanonical
{
    /// <summary>The largest timestamp (µs) either reader accepts.</summary>
    private const long MaxMicros = 9_000_000_000_000;

    private const long MaxExactWallAnchor = 1L << 53;

    private const int RunIdLength = 32;

    public static bool TryReadPing(ReadOnlySpan<byte> message, out PingFields ping)
    {
        ping = default;
        if (message.Length > PingCodec.MaxMessageBytes || !message.StartsWith(PingCodec.PingPrefix))
        {
            return false;
        }
        int at = PingCodec.PingPrefix.Length;
        if (!TryReadRunSeqTs(message, ref at, out RunId run, out long seq, out long ts)
            || !TryReadPadAndEnd(message, at, out int pad))
        {
            return false;
        }
        ping = new PingFields(run, seq, ts, pad);
        return true;
    }

    public static bool TryReadPong(ReadOnlySpan<byte> message, out PongFields pong)
    {
        pong = default;
        if (message.Length > PingCodec.MaxMessageBytes || !message.StartsWith(PingCodec.PongPrefix))
        {
            return false;
        }
        int at = PingCodec.PongPrefix.Length;
        if (!TryReadRunSeqTs(message, ref at, out RunId run, out long seq, out long ts)
            || !TryExpect(message, ref at, ",\"rx\":"u8) || !TryReadMicros(message, ref at, out long rx)
            || !TryExpect(message, ref at, ",\"tx\":"u8) || !TryReadMicros(message, ref at, out long tx)
            || !TryExpect(message, ref at, ",\"wc\":"u8) || !TryReadInteger(message, ref at, out long wc)
            || wc >= MaxExactWallAnchor || wc <= -MaxExactWallAnchor
            || !TryReadPadAndEnd(message, at, out int pad))
        {
            return false;
        }
        pong = new PongFields(run, seq, ts, rx, tx, wc, pad);
        return true;
    }

    /// <summary><c>&lt;32 hex&gt;","seq":N,"ts":U.UUU</c> after the prefix.</summary>
    private static bool TryReadRunSeqTs(ReadOnlySpan<byte> m, ref int at, out RunId run, out long seq, out long ts)
    {
        seq = 0;
        ts = 0;
        run = default;
        if (m.Length - at < RunIdLength || !RunId.TryParseUtf8(m.Slice(at, RunIdLength), out run))
        {
            return false;
        }
        at += RunIdLength;
        return TryExpect(m, ref at, "\",\"seq\":"u8) && TryReadInteger(m, ref at, out seq)
            && TryExpect(m, ref at, ",\"ts\":"u8) && TryReadMicros(m, ref at, out ts);
    }

    /// <summary>Optional <c>,"pad":"…"</c> of printable ASCII without quote or backslash, then <c>}</c> as the last byte.</summary>
    private static bool TryReadPadAndEnd(ReadOnlySpan<byte> m, int at, out int pad)
    {
        pad = 0;
        if (at < m.Length && m[at] == (byte)',')
        {
            if (!TryExpect(m, ref at, ",\"pad\":\""u8))
            {
                return false;
            }
            int start = at;
            while (at < m.Length && m[at] != (byte)'"')
            {
                byte b = m[at];
                if (b < 0x20 || b > 0x7E || b == (byte)'\\')
                {
                    return false;
                }
                at++;
            }
            if (at >= m.Length)
            {
                return false;
            }
            pad = at - start;
            at++; // the closing quote
        }
        return at == m.Length - 1 && m[at] == (byte)'}';
    }

    private static bool TryExpect(ReadOnlySpan<byte> m, ref int at, ReadOnlySpan<byte> literal)
    {
        if (!m[at..].StartsWith(literal))
        {
            return false;
        }
        at += literal.Length;
        return true;
    }

    /// <summary>A JSON integer: an optional minus, then 0 or a non-zero digit and at most 17 more (no "-0").</summary>
    private static bool TryReadInteger(ReadOnlySpan<byte> m, ref int at, out long value)
    {
        value = 0;
        bool negative = at < m.Length && m[at] == (byte)'-';
        int i = negative ? at + 1 : at;
        if (!TryReadDigits(m, ref i, out long magnitude, out int digits) || (negative && magnitude == 0))
        {
            return false;
        }
        at = i;
        value = negative ? -magnitude : magnitude;
        return digits > 0;
    }

    /// <summary>
    /// µs with exactly three decimals (<c>123.456</c>), as nanoseconds, computed as the general reader computes them:
    /// <c>Math.Round(µs * 1000)</c> from the double nearest the decimal value. That double is <c>n / 1000.0</c> for the
    /// integer n = the digits without the point (exact in a double below 2^53, and IEEE division rounds to nearest, as
    /// the general reader's parsing does), so both readers give the same value, bit for bit.
    /// </summary>
    private static bool TryReadMicros(ReadOnlySpan<byte> m, ref int at, out long ns)
    {
        ns = 0;
        int i = at;
        if (!TryReadDigits(m, ref i, out long whole, out _) || m.Length - i < 4 || m[i] != (byte)'.' || whole > MaxMicros)
        {
            return false;
        }
        long fraction = 0;
        for (int k = 1; k <= 3; k++)
        {
            uint d = (uint)(m[i + k] - '0');
            if (d > 9)
            {
                return false;
            }
            fraction = (fraction * 10) + d;
        }
        double us = ((whole * 1000) + fraction) / 1000.0;
        if (us > MaxMicros)
        {
            return false; // out of range: the general reader refuses it too
        }
        ns = (long)Math.Round(us * 1000.0);
        at = i + 4;
        return true;
    }

    /// <summary>0, or a non-zero digit and at most 17 more; false for a leading zero before more digits.</summary>
    private static bool TryReadDigits(ReadOnlySpan<byte> m, ref int at, out long value, out int digits)
    {
        value = 0;
        digits = 0;
        int i = at;
        while (i < m.Length && (uint)(m[i] - '0') <= 9)
        {
            if (digits == 18)
            {
                return false;
            }
            value = (value * 10) + (m[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0 || (digits > 1 && m[at] == (byte)'0'))
        {
            return false;
        }
        at = i;
        return true;
    }
}
