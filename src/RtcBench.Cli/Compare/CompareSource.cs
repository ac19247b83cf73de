using RtcBench.Cli.Commands;
using RtcBench.Cli.Parsing;
using RtcBench.Platforms;

namespace RtcBench.Cli.Compare;

/// <summary>
/// One side of <c>rtcbench compare</c>, as written: a result file (<c>run.json</c>: one document or an array), a
/// filter over a store (<c>udp</c>, or <c>platform=udp,location=eu-west,channel=lossy,window=6h</c>), or a stored
/// run's id (32 hex digits, or a unique prefix of 4 or more).
/// </summary>
internal abstract record CompareSource(string Text)
{
    public const string Grammar = "a result file (JSON), a platform, a filter like platform=udp,location=eu-west,channel=lossy,window=6h, or a stored run id (or unique prefix)";

    /// <summary>Whether reading this side needs a store.</summary>
    public abstract bool NeedsStore { get; }

    public static bool TryParse(string text, out CompareSource source, out string error)
    {
        source = null!;
        error = "";
        string trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            error = $"'' names nothing to compare; give {Grammar}";
            return false;
        }
        if (File.Exists(trimmed))
        {
            source = new FileSource(trimmed);
            return true;
        }
        if (trimmed.Contains('=', StringComparison.Ordinal))
        {
            return FilterSource.TryParseFilter(trimmed, out source, out error);
        }
        string lower = trimmed.ToLowerInvariant();
        if (PlatformCatalog.Names.Contains(lower))
        {
            source = new FilterSource(trimmed, lower, null, null, null);
            return true;
        }
        if (RunIdArgument.TryNormalize(trimmed, out string id, out _))
        {
            source = new RunSource(trimmed, id);
            return true;
        }
        error = trimmed.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? $"'{trimmed}': no such file"
            : $"'{trimmed}' is not {Grammar}";
        return false;
    }
}

internal sealed record FileSource(string Path) : CompareSource(Path)
{
    public override bool NeedsStore => false;
}

internal sealed record RunSource(string Text, string RunIdPrefix) : CompareSource(Text)
{
    public override bool NeedsStore => true;
}

/// <summary>Runs in a store matching a platform (required) and optionally a location, a channel and a window.</summary>
internal sealed record FilterSource(string Text, string? Platform, string? Location, string? Channel, TimeSpan? Window) : CompareSource(Text)
{
    public override bool NeedsStore => true;

    public static bool TryParseFilter(string text, out CompareSource source, out string error)
    {
        source = null!;
        string? platform = null, location = null, channel = null;
        TimeSpan? window = null;
        foreach (string pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? pair : pair[..eq].Trim().ToLowerInvariant();
            string value = eq < 0 ? "" : pair[(eq + 1)..].Trim();
            if (value.Length == 0)
            {
                error = $"'{text}': '{key}' has no value; write key=value pairs separated by commas, e.g. platform=udp,channel=lossy";
                return false;
            }
            switch (key)
            {
                case "platform" when PlatformCatalog.Names.Contains(value.ToLowerInvariant()):
                    platform = value.ToLowerInvariant();
                    break;
                case "platform":
                    error = $"'{text}': '{value}' is not a platform; available: {string.Join(", ", PlatformCatalog.Names)}";
                    return false;
                case "location":
                    location = value;
                    break;
                case "channel" when value is "reliable" or "lossy":
                    channel = value;
                    break;
                case "channel":
                    error = $"'{text}': '{value}' is not a channel; use reliable or lossy";
                    return false;
                case "window" when DurationParser.TryParse(value, TimeSpan.FromMinutes(1), TimeSpan.FromDays(366), "24h", out var w, out _):
                    window = w;
                    break;
                case "window":
                    error = $"'{text}': window '{value}' is not a duration from 1m to 8784h, e.g. 24h";
                    return false;
                default:
                    error = $"'{text}': '{key}' is not a filter key; use platform, location, channel or window";
                    return false;
            }
        }
        if (platform is null)
        {
            error = $"'{text}': a filter needs platform=NAME (available: {string.Join(", ", PlatformCatalog.Names)})";
            return false;
        }
        source = new FilterSource(text, platform, location, channel, window);
        error = "";
        return true;
    }
}
