using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace RtcBench.Cli.Parsing;

/// <summary>
/// Options and arguments whose values we parse ourselves, so every bad value gets one line in one style:
/// <c>--count: 'abc' is not a whole number; give one from 1 to 10000000</c>. The option is named with its dashes,
/// the valid values are stated, and no .NET type name reaches the user (System.CommandLine's own converters say
/// "as expected type 'System.Int32'"). <see cref="ParseErrorText"/> words the errors System.CommandLine raises
/// itself (a missing value, an unknown option) in the same style, using <see cref="ExpectedValue"/>.
/// </summary>
internal static class CliOption
{
    private static readonly ConditionalWeakTable<Symbol, string> Expected = new();

    /// <summary>What a value must be, e.g. "a whole number from 1 to 10000000", for symbols made here; else null.</summary>
    public static string? ExpectedValue(Symbol symbol) => Expected.TryGetValue(symbol, out var text) ? text : null;

    public static Option<int> Int(string name, string description, int defaultValue, int min, int max, string? helpName = null)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = helpName };
        option.CustomParser = result => ParseInt(result, name, min, max) ?? defaultValue;
        Expected.Add(option, WholeNumber(min, max));
        return option;
    }

    public static Option<int?> OptionalInt(string name, string description, int min, int max)
    {
        var option = new Option<int?>(name) { Description = description };
        option.CustomParser = result => ParseInt(result, name, min, max);
        Expected.Add(option, WholeNumber(min, max));
        return option;
    }

    /// <summary>
    /// A long period, in whole days (<c>30d</c>) or hours (<c>12h</c>), in [<paramref name="min"/>, <paramref name="max"/>];
    /// null when absent.
    /// </summary>
    public static Option<TimeSpan?> OptionalPeriod(string name, string description, TimeSpan min, TimeSpan max)
    {
        var option = new Option<TimeSpan?>(name) { Description = description, HelpName = "period" };
        string expected = $"a whole number of days or hours, e.g. 30d or 12h, from {(long)min.TotalHours}h to {(long)max.TotalDays}d";
        option.CustomParser = result =>
        {
            string text = Token(result);
            string trimmed = text.Trim();
            char unit = trimmed.Length > 0 ? trimmed[^1] : ' ';
            if ((unit != 'd' && unit != 'h')
                || !int.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            {
                result.AddError($"{name}: '{(text.Length > 40 ? text[..40] : text)}' is not a period; give {expected}");
                return null;
            }
            var value = unit == 'd' ? TimeSpan.FromDays(count) : TimeSpan.FromHours(count);
            if (value < min || value > max)
            {
                result.AddError($"{name}: {trimmed} is out of range; give {expected}");
                return null;
            }
            return value;
        };
        Expected.Add(option, expected);
        return option;
    }

    /// <summary>A decimal number in [min, max]; <paramref name="noun"/> names it in errors ("a latitude").</summary>
    public static Option<double?> OptionalDouble(string name, string description, double min, double max, string noun)
    {
        var option = new Option<double?>(name) { Description = description };
        string expected = $"{noun} {Range(min, max)}";
        option.CustomParser = result =>
        {
            string text = Token(result);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                result.AddError($"{name}: '{text}' is not a number; give {expected}");
                return null;
            }
            if (value < min || value > max)
            {
                result.AddError($"{name}: {text} is out of range; give {expected}");
                return null;
            }
            return value;
        };
        Expected.Add(option, expected);
        return option;
    }

    /// <summary>One of a fixed set of words (case-sensitive, as written in the help).</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        string expected = OneOf(values);
        option.CustomParser = result =>
        {
            string text = Token(result);
            if (!values.Contains(text, StringComparer.Ordinal))
            {
                result.AddError($"{name}: '{text}' is not a choice; use {expected}");
                return defaultValue;
            }
            return text;
        };
        option.CompletionSources.Add(values);
        Expected.Add(option, expected);
        return option;
    }

    /// <summary>One of a fixed set of words, or absent (null).</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] values)
    {
        var option = new Option<string?>(name) { Description = description };
        string expected = OneOf(values);
        option.CustomParser = result =>
        {
            string text = Token(result);
            if (!values.Contains(text, StringComparer.Ordinal))
            {
                result.AddError($"{name}: '{text}' is not a choice; use {expected}");
                return null;
            }
            return text;
        };
        option.CompletionSources.Add(values);
        Expected.Add(option, expected);
        return option;
    }

    /// <summary>A required positional argument that is one of a fixed set of words.</summary>
    public static Argument<string> ChoiceArgument(string command, string name, string description, params string[] values)
    {
        var argument = new Argument<string>(name) { Description = description };
        string expected = OneOf(values);
        argument.CustomParser = result =>
        {
            string text = Token(result);
            if (!values.Contains(text, StringComparer.Ordinal))
            {
                result.AddError($"{command} {name.ToUpperInvariant()}: '{text}' is not a choice; use {expected}");
                return "";
            }
            return text;
        };
        argument.CompletionSources.Add(values);
        Expected.Add(argument, expected);
        return argument;
    }

    /// <summary>
    /// A duration written with a unit, in [min, max], kept as its text (help shows the default as written, e.g.
    /// <c>[default: 100ms]</c>); read it with <see cref="DurationParser.TryParse(string?, out TimeSpan, out string)"/>.
    /// </summary>
    public static Option<string> Duration(string name, string description, string defaultValue, TimeSpan min, TimeSpan max)
    {
        var option = new Option<string>(name)
        {
            Description = description + " Units: us, ms, s, m, h.",
            HelpName = "duration",
            DefaultValueFactory = _ => defaultValue,
        };
        option.CustomParser = result =>
        {
            string text = Token(result);
            if (!DurationParser.TryParse(text, min, max, defaultValue, out _, out string error))
            {
                result.AddError($"{name}: {error}");
                return defaultValue;
            }
            return text.Trim();
        };
        Expected.Add(option, $"a duration from {DurationParser.Format(min)} to {DurationParser.Format(max)}, e.g. {defaultValue}");
        return option;
    }

    /// <summary>A file path (not checked for existence here: the command reports what it cannot read or write).</summary>
    public static Option<FileInfo?> File(string name, string description)
    {
        var option = new Option<FileInfo?>(name) { Description = description, HelpName = "file" };
        option.CustomParser = result =>
        {
            string text = Token(result);
            try
            {
                if (text.Trim().Length > 0 && !text.Contains('\0', StringComparison.Ordinal))
                {
                    return new FileInfo(text);
                }
            }
            catch (Exception ex) when (ex is ArgumentException or PathTooLongException or NotSupportedException)
            {
                // reported below
            }
            result.AddError($"{name}: '{text}' is not a file path");
            return null;
        };
        Expected.Add(option, "a file path");
        return option;
    }

    /// <summary>Free text of at most <paramref name="maxLength"/> characters, without control characters.</summary>
    public static Option<string?> Text(string name, string description, int maxLength, string helpName = "text")
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.CustomParser = result =>
        {
            string text = Token(result);
            if (text.Length > maxLength)
            {
                result.AddError($"{name}: too long ({text.Length} characters); give at most {maxLength}");
                return null;
            }
            if (text.Any(char.IsControl))
            {
                result.AddError($"{name}: contains control characters");
                return null;
            }
            return text;
        };
        Expected.Add(option, $"{helpName} of at most {maxLength} characters");
        return option;
    }

    /// <summary>Records what a value of a symbol defined elsewhere must be (for "needs a value" errors).</summary>
    public static T Expecting<T>(this T symbol, string expected)
        where T : Symbol
    {
        Expected.AddOrUpdate(symbol, expected);
        return symbol;
    }

    private static int? ParseInt(ArgumentResult result, string name, int min, int max)
    {
        string text = Token(result);
        string range = Range(min, max);
        string give = range.Length == 0 ? "" : "; give one " + range;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            bool digits = text.TrimStart('-', '+').Length > 0 && text.TrimStart('-', '+').All(char.IsAsciiDigit);
            result.AddError(digits
                ? $"{name}: {text} is out of range{give}"
                : $"{name}: '{text}' is not a whole number{give}");
            return null;
        }
        if (value < min || value > max)
        {
            result.AddError($"{name}: {text} is out of range{give}");
            return null;
        }
        return (int)value;
    }

    private static string WholeNumber(int min, int max) => ("a whole number " + Range(min, max)).TrimEnd();

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";

    private static string Range(long min, long max) => (min, max) switch
    {
        (> int.MinValue, int.MaxValue) => $"from {min} up",
        _ => $"from {min} to {max}",
    };

    private static string Range(double min, double max) =>
        string.Create(CultureInfo.InvariantCulture, $"from {min} to {max}");

    private static string OneOf(string[] values) =>
        values.Length == 1 ? values[0] : string.Join(", ", values[..^1]) + " or " + values[^1];
}
