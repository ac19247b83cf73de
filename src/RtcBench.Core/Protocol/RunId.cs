using System.Buffers.Text;

namespace RtcBench.Core.Protocol;

/// <summary>A run's identity: a random UUID, written on the wire as 32 lower-case hex digits.</summary>
public readonly record struct RunId(Guid Value)
{
    public static RunId New() => new(Guid.NewGuid());

    public override string ToString() => Value.ToString("N");

    public static bool TryParse(string? text, out RunId id)
    {
        if (Guid.TryParse(text, out var g))
        {
            id = new RunId(g);
            return true;
        }
        id = default;
        return false;
    }

    /// <summary>Parses the 32-hex-digit UTF-8 form without allocating.</summary>
    public static bool TryParseUtf8(ReadOnlySpan<byte> utf8, out RunId id)
    {
        if (utf8.Length == 32 && Utf8Parser.TryParse(utf8, out Guid g, out int consumed, 'N') && consumed == 32)
        {
            id = new RunId(g);
            return true;
        }
        id = default;
        return false;
    }

    /// <summary>Writes the 32-hex-digit UTF-8 form.</summary>
    public bool TryFormatUtf8(Span<byte> destination, out int written) =>
        Utf8Formatter.TryFormat(Value, destination, out written, 'N');
}
