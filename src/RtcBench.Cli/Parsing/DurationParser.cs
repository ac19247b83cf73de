using System.Globalization;

namespace RtcBench.Cli.Parsing;

/// <summary>Parses durations written with a unit: <c>250us</c>, <c>100ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1.5s</c>.</summary>
public static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = default;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "a duration is required, e.g. 100ms, 5s or 2m";
            return false;
        }
        text = text.Trim();
        int split = 0;
        while (split < text.Length && (char.IsDigit(text[split]) || text[split] == '.'))
        {
            split++;
        }
        string number = text[..split];
        string unit = text[split..].Trim().ToLowerInvariant();
        if (number.Length == 0 || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
        {
            error = $"'{text}' is not a duration; write a number and a unit, e.g. 100ms, 5s or 2m";
            return false;
        }
        double? ticksPerUnit = unit switch
        {
            "us" or "µs" => TimeSpan.TicksPerMillisecond / 1000.0,
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            "m" or "min" => TimeSpan.TicksPerMinute,
            "h" => TimeSpan.TicksPerHour,
            _ => null,
        };
        if (ticksPerUnit is null)
        {
            error = unit.Length == 0
                ? $"'{text}' has no unit; write e.g. {text}ms or {text}s"
                : $"'{text}' has an unknown unit '{unit}'; use us, ms, s, m or h";
            return false;
        }
        double ticks = amount * ticksPerUnit.Value;
        if (ticks > TimeSpan.MaxValue.Ticks / 2)
        {
            error = $"'{text}' is too long";
            return false;
        }
        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return true;
    }
}
