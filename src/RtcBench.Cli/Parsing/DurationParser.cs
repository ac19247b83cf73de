using System.Globalization;

namespace RtcBench.Cli.Parsing;

/// <summary>
/// Parses durations written with a unit: <c>250us</c>, <c>100ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1.5s</c>.
/// Never throws; a failure comes with a message that says what was wrong (no option name: callers add it).
/// </summary>
public static class DurationParser
{
    public const string Units = "us, ms, s, m or h";

    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        var failure = Read(text, out value, out string trimmed, out string unit);
        error = failure switch
        {
            Failure.None => "",
            Failure.Empty => "a duration is required, e.g. 100ms, 5s or 2m",
            Failure.NotANumber => $"'{trimmed}' is not a duration; write a number and a unit ({Units})",
            Failure.NoUnit => $"'{trimmed}' has no unit; add one of {Units}",
            Failure.UnknownUnit => $"'{trimmed}' has an unknown unit '{unit}'; use {Units}",
            _ => $"'{trimmed}' is too long",
        };
        return failure == Failure.None;
    }

    /// <summary>
    /// Parses a duration that must lie in [<paramref name="min"/>, <paramref name="max"/>]. Every failure states the
    /// valid range; a number without a unit is offered a unit only when the result would be valid
    /// (<c>100</c> → "e.g. 100ms", but <c>0</c> → the range and <paramref name="example"/>, never "0ms").
    /// </summary>
    public static bool TryParse(string? text, TimeSpan min, TimeSpan max, string example, out TimeSpan value, out string error)
    {
        string range = $"from {Format(min)} to {Format(max)}";
        var failure = Read(text, out value, out string trimmed, out string unit);
        if (failure == Failure.None && (value < min || value > max))
        {
            failure = Failure.TooLong;
        }
        error = failure switch
        {
            Failure.None => "",
            Failure.Empty => $"a duration is required, {range}, e.g. {example}",
            Failure.NotANumber => $"'{trimmed}' is not a duration; give a number and a unit ({Units}) {range}, e.g. {example}",
            Failure.NoUnit => SuggestUnit(trimmed, min, max) is { } suggestion
                ? $"'{trimmed}' has no unit; write e.g. {suggestion} ({range})"
                : $"'{trimmed}' has no unit; give a duration {range}, e.g. {example}",
            Failure.UnknownUnit => $"'{trimmed}' has an unknown unit '{unit}'; use {Units} ({range}, e.g. {example})",
            _ => $"'{trimmed}' is out of range; give a duration {range}",
        };
        if (failure != Failure.None)
        {
            value = default;
        }
        return failure == Failure.None;
    }

    private static string? SuggestUnit(string number, TimeSpan min, TimeSpan max)
    {
        foreach (string unit in (string[])["ms", "s"])
        {
            if (Read(number + unit, out var value, out _, out _) == Failure.None && value >= min && value <= max)
            {
                return number + unit;
            }
        }
        return null;
    }

    private enum Failure
    {
        None,
        Empty,
        NotANumber,
        NoUnit,
        UnknownUnit,
        TooLong,
    }

    private static Failure Read(string? text, out TimeSpan value, out string trimmed, out string unit)
    {
        value = default;
        trimmed = text?.Trim() ?? "";
        unit = "";
        if (trimmed.Length == 0)
        {
            return Failure.Empty;
        }
        int split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }
        string number = trimmed[..split];
        unit = trimmed[split..].Trim().ToLowerInvariant();
        if (number.Length == 0 || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
        {
            return Failure.NotANumber;
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
            return unit.Length == 0 ? Failure.NoUnit : Failure.UnknownUnit;
        }
        double ticks = amount * ticksPerUnit.Value;
        if (ticks > TimeSpan.MaxValue.Ticks / 2)
        {
            return Failure.TooLong;
        }
        value = TimeSpan.FromTicks((long)Math.Round(ticks));
        return Failure.None;
    }

    /// <summary>Writes a duration in the largest unit that divides it: 1ms, 10m, 24h, 250us, 1500ms.</summary>
    public static string Format(TimeSpan value)
    {
        long ticks = value.Ticks;
        (long TicksPerUnit, string Unit)[] units =
        [
            (TimeSpan.TicksPerHour, "h"),
            (TimeSpan.TicksPerMinute, "m"),
            (TimeSpan.TicksPerSecond, "s"),
            (TimeSpan.TicksPerMillisecond, "ms"),
        ];
        foreach (var (perUnit, unit) in units)
        {
            if (ticks != 0 && ticks % perUnit == 0)
            {
                return (ticks / perUnit).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }
        return (ticks / 10.0).ToString("0.#", CultureInfo.InvariantCulture) + "us";
    }
}
