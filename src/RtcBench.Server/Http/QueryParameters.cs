using System.Globalization;
using Microsoft.AspNetCore.Http;
using RtcBench.Core.Results;
using RtcBench.Server.Aggregation;
using RtcBench.Storage.Validation;

namespace RtcBench.Server.Http;

/// <summary>Parses the query-string parameters the result endpoints share; every error names the parameter.</summary>
internal static class QueryParameters
{
    public const int DefaultHours = 24;

    /// <summary>At most a year.</summary>
    public const int MaxHours = 24 * 366;

    public const int MaxBuckets = 10_000;

    public static readonly TimeSpan MinBucket = TimeSpan.FromMinutes(1);

    public static string? Text(HttpRequest request, string name)
    {
        string? value = request.Query[name];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary><c>hours</c>: a whole number 1..8784, default 24; the window is [now − hours, now).</summary>
    public static bool TryWindow(HttpRequest request, DateTimeOffset now, out DateTimeOffset since, out string error)
    {
        since = default;
        error = "";
        int hours = DefaultHours;
        string? text = Text(request, "hours");
        if (text is not null
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out hours) || hours < 1 || hours > MaxHours))
        {
            error = $"hours: '{Short(text)}' is not a whole number of hours from 1 to {MaxHours}";
            return false;
        }
        since = now.AddHours(-hours);
        return true;
    }

    /// <summary>
    /// <c>bucket</c>: a duration with a unit (<c>15m</c>, <c>1h</c>, <c>1d</c>), at least a minute, at most
    /// <see cref="MaxBuckets"/> buckets in the window; null when absent and <paramref name="fallback"/> is null.
    /// </summary>
    public static bool TryBucket(
        HttpRequest request, DateTimeOffset since, DateTimeOffset until, TimeSpan? fallback, out TimeSpan? bucket, out string error)
    {
        error = "";
        bucket = fallback;
        string? text = Text(request, "bucket");
        if (text is null)
        {
            return true;
        }
        if (!TryDuration(text, out var size) || size < MinBucket)
        {
            error = $"bucket: '{Short(text)}' is not a duration of at least 1m with a unit s, m, h or d (e.g. 15m, 1h, 1d)";
            return false;
        }
        if ((until - since).Ticks / size.Ticks > MaxBuckets)
        {
            error = $"bucket: {text} cuts the window into more than {MaxBuckets} buckets; use a larger bucket or fewer hours";
            return false;
        }
        bucket = size;
        return true;
    }

    public static bool TryMethod(HttpRequest request, out AggregationMethod method, out string error)
    {
        error = "";
        string? text = Text(request, "method");
        if (AggregationMethods.TryParse(text, out method))
        {
            return true;
        }
        error = $"method: unknown method '{Short(text)}'; valid: {AggregationMethods.MergedHistogramName}, {AggregationMethods.PooledPingsName}";
        return false;
    }

    public static bool TryInt(HttpRequest request, string name, int fallback, int min, int max, out int value, out string error)
    {
        error = "";
        value = fallback;
        string? text = Text(request, name);
        if (text is null)
        {
            return true;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            error = $"{name}: '{Short(text)}' is not a whole number from {min} to {max}";
            return false;
        }
        return true;
    }

    public static bool TryTime(HttpRequest request, string name, out DateTimeOffset? value, out string error)
    {
        error = "";
        value = null;
        string? text = Text(request, name);
        if (text is null)
        {
            return true;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            error = $"{name}: '{Short(text)}' is not an ISO 8601 time (e.g. 2026-11-21T12:00:00Z)";
            return false;
        }
        value = time;
        return true;
    }

    /// <summary>The outcome statuses a run can have (docs/result-schema.md).</summary>
    public static readonly string[] Outcomes = [RunOutcome.OkStatus, RunOutcome.PartialStatus, RunOutcome.FailedStatus];

    /// <summary><c>outcome</c>: ok, partial or failed (exact, lower case); null when absent.</summary>
    public static bool TryOutcome(HttpRequest request, out string? outcome, out string error)
    {
        error = "";
        outcome = Text(request, "outcome");
        if (outcome is null || Array.IndexOf(Outcomes, outcome) >= 0)
        {
            return true;
        }
        error = $"outcome: unknown outcome '{Short(outcome)}'; valid: {string.Join(", ", Outcomes)}";
        outcome = null;
        return false;
    }

    /// <summary>
    /// The filters most reads share, each checked as ingest checks the field: <c>platform</c> and <c>channel</c> from
    /// their closed lists (an unknown one can match no stored run), <c>location</c> a name of at most 128 characters.
    /// </summary>
    public static bool TryFilters(HttpRequest request, out string? platform, out string? location, out string? channel, out string error)
    {
        location = null;
        channel = null;
        return TryPlatform(request, "platform", out platform, out error)
            && TryLocation(request, out location, out error)
            && TryChannel(request, out channel, out error);
    }

    /// <summary>A platform parameter (<c>platform</c>, or <c>a</c>/<c>b</c> of compare): one of the known platforms; null when absent.</summary>
    public static bool TryPlatform(HttpRequest request, string name, out string? platform, out string error)
    {
        error = "";
        platform = Text(request, name);
        if (platform is null || KnownValues.IsPlatform(platform))
        {
            return true;
        }
        error = $"{name}: unknown platform '{Short(platform)}'; known: {KnownValues.List(KnownValues.Platforms)}";
        platform = null;
        return false;
    }

    /// <summary><c>channel</c>: reliable or lossy; null when absent.</summary>
    public static bool TryChannel(HttpRequest request, out string? channel, out string error)
    {
        error = "";
        channel = Text(request, "channel");
        if (channel is null || KnownValues.IsChannel(channel))
        {
            return true;
        }
        error = $"channel: unknown channel '{Short(channel)}'; valid: {KnownValues.List(KnownValues.Channels)}";
        channel = null;
        return false;
    }

    /// <summary><c>location</c>: at most 128 characters without control characters; null when absent.</summary>
    public static bool TryLocation(HttpRequest request, out string? location, out string error)
    {
        error = "";
        location = Text(request, "location");
        if (location is null || (location.Length <= DocumentLimits.MaxNameLength && !location.Any(char.IsControl)))
        {
            return true;
        }
        error = $"location: not a location id (at most {DocumentLimits.MaxNameLength} characters, no control characters)";
        location = null;
        return false;
    }

    internal static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length < 2)
        {
            return false;
        }
        char unit = text[^1];
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1 || n > 100_000)
        {
            return false;
        }
        switch (unit)
        {
            case 's': duration = TimeSpan.FromSeconds(n); return true;
            case 'm': duration = TimeSpan.FromMinutes(n); return true;
            case 'h': duration = TimeSpan.FromHours(n); return true;
            case 'd': duration = TimeSpan.FromDays(n); return true;
            default: return false;
        }
    }

    private static string Short(string? text) => text is null ? "" : text.Length <= 40 ? text : text[..40] + "…";
}
