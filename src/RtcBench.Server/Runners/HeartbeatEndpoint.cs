using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RtcBench.Server.Http;
using RtcBench.Server.Ingest;
using RtcBench.Storage.Validation;

namespace RtcBench.Server.Runners;

/// <summary>
/// <c>POST /api/runners/heartbeat</c>: a runner reports who and where it is and what its spool holds
/// (<c>{"runner_id","location","spool":{"pending","oldest_age_seconds","bytes","rejected"}}</c>). Kept in memory by
/// <see cref="RunnerRegistry"/> and shown on <c>/metrics</c>; never stored with the runs. 204 when kept; 400 naming
/// the field; 429 when the service already tracks its limit of runners and this one is new. Needs the ingest token
/// like any write.
/// </summary>
internal sealed class HeartbeatEndpoint(RunnerRegistry registry)
{
    /// <summary>Largest report body (a report is about 150 bytes).</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>Longest runner id.</summary>
    public const int MaxRunnerIdLength = 128;

    /// <summary>Largest <c>spool.pending</c> and <c>spool.rejected</c>.</summary>
    public const long MaxCount = 1_000_000_000;

    /// <summary>Largest <c>spool.oldest_age_seconds</c>: ten years.</summary>
    public const double MaxAgeSeconds = 10 * 365.25 * 86400;

    /// <summary>Largest <c>spool.bytes</c>: 2^53, the largest integer a JSON number carries exactly.</summary>
    public const long MaxBytes = 1L << 53;

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return ProblemResults.TooLarge(MaxBodyBytes);
        }
        if (!request.HasJsonContentType())
        {
            string got = string.IsNullOrEmpty(request.ContentType) ? "no content type" : $"'{request.ContentType}'";
            return Results.Problem(
                detail: $"the request body must be a JSON runner report (Content-Type: application/json); got {got}",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported Media Type");
        }
        using var body = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = await request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (body.Length + n > MaxBodyBytes)
            {
                return ProblemResults.TooLarge(MaxBodyBytes);
            }
            body.Write(buffer, 0, n);
        }
        var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
        if (bytes.IsEmpty)
        {
            return ProblemResults.BadRequest("the body is empty; expected a JSON runner report");
        }
        if (JsonPrecheck.Check(bytes.Span) is { } malformed)
        {
            return ProblemResults.BadRequest(malformed);
        }
        using var document = JsonDocument.Parse(bytes);
        if (Parse(document.RootElement, out var report) is { } problem)
        {
            return ProblemResults.BadRequest(problem);
        }
        if (!registry.Record(report.RunnerId, report.Location, report.Pending, report.OldestAgeSeconds, report.Bytes, report.Rejected))
        {
            return Results.Problem(
                detail: string.Create(CultureInfo.InvariantCulture,
                    $"runner_id: the service already tracks {registry.Capacity} runners (its limit) and '{report.RunnerId}' is not one of them; a runner is forgotten {registry.Expiry.TotalHours:0.##} h after its last report"),
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too Many Runners");
        }
        return TypedResults.NoContent();
    }

    internal readonly record struct Report(string RunnerId, string Location, int Pending, double OldestAgeSeconds, long Bytes, int Rejected);

    /// <summary>Null and the report, or the first problem naming its field.</summary>
    internal static string? Parse(JsonElement root, out Report report)
    {
        report = default;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return $"the body is {Kind(root)}, not a runner report object";
        }
        string? runnerId = null, location = null;
        JsonElement? spool = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in root.EnumerateObject())
        {
            if (!seen.Add(field.Name))
            {
                return $"{field.Name}: given twice";
            }
            switch (field.Name)
            {
                case "runner_id":
                    if (field.Value.ValueKind != JsonValueKind.String)
                    {
                        return $"runner_id: expected a string, got {Kind(field.Value)}";
                    }
                    runnerId = field.Value.GetString()!;
                    break;
                case "location":
                    if (field.Value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }
                    if (field.Value.ValueKind != JsonValueKind.String)
                    {
                        return $"location: expected a string, got {Kind(field.Value)}";
                    }
                    location = field.Value.GetString()!;
                    break;
                case "spool":
                    spool = field.Value;
                    break;
                default:
                    return $"{field.Name}: unknown field (a runner report has runner_id, location and spool)";
            }
        }
        if (runnerId is null)
        {
            return "runner_id: missing";
        }
        if (RunnerIdProblem(runnerId) is { } idProblem)
        {
            return idProblem;
        }
        if (location is not null && LocationProblem(location) is { } locationProblem)
        {
            return locationProblem;
        }
        if (spool is not { } s)
        {
            return "spool: missing";
        }
        if (s.ValueKind != JsonValueKind.Object)
        {
            return $"spool: expected an object, got {Kind(s)}";
        }
        long? pending = null, bytes = null, rejected = null;
        double? age = null;
        seen.Clear();
        foreach (var field in s.EnumerateObject())
        {
            string name = "spool." + field.Name;
            if (!seen.Add(field.Name))
            {
                return $"{name}: given twice";
            }
            switch (field.Name)
            {
                case "pending":
                    if (Count(name, field.Value, MaxCount, out pending) is { } p)
                    {
                        return p;
                    }
                    break;
                case "rejected":
                    if (Count(name, field.Value, MaxCount, out rejected) is { } r)
                    {
                        return r;
                    }
                    break;
                case "bytes":
                    if (Count(name, field.Value, MaxBytes, out bytes) is { } b)
                    {
                        return b;
                    }
                    break;
                case "oldest_age_seconds":
                    if (field.Value.ValueKind != JsonValueKind.Number || !field.Value.TryGetDouble(out double a))
                    {
                        return $"{name}: expected a number of seconds, got {Kind(field.Value)}";
                    }
                    if (a < 0 || a > MaxAgeSeconds)
                    {
                        return string.Create(CultureInfo.InvariantCulture, $"{name}: {field.Value.GetRawText()} is outside 0..{MaxAgeSeconds}");
                    }
                    age = a;
                    break;
                default:
                    return $"{name}: unknown field (a spool has pending, oldest_age_seconds, bytes and rejected)";
            }
        }
        if (pending is null)
        {
            return "spool.pending: missing";
        }
        if (pending > 0 && age is null)
        {
            return "spool.oldest_age_seconds: missing; required when runs are pending";
        }
        if (pending == 0 && age is > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"spool.oldest_age_seconds: {age} with no run pending; send 0 or leave it out");
        }
        if (pending == 0 && bytes is > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"spool.bytes: {bytes} with no run pending; send 0 or leave it out");
        }
        report = new Report(runnerId, location ?? Metrics.ServerMetrics.NoLocation, (int)pending, age ?? 0, bytes ?? 0, (int)(rejected ?? 0));
        return null;
    }

    private static string? Count(string name, JsonElement value, long max, out long? result)
    {
        result = null;
        if (value.ValueKind != JsonValueKind.Number)
        {
            return $"{name}: expected a whole number, got {Kind(value)}";
        }
        if (!value.TryGetInt64(out long n))
        {
            return $"{name}: {value.GetRawText()} is not a whole number";
        }
        if (n < 0 || n > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name}: {n} is outside 0..{max}");
        }
        result = n;
        return null;
    }

    /// <summary>1..128 characters: letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, <c>:</c>, <c>@</c> (host names fit).</summary>
    internal static string? RunnerIdProblem(string id)
    {
        if (id.Length == 0)
        {
            return "runner_id: empty";
        }
        if (id.Length > MaxRunnerIdLength)
        {
            return $"runner_id: longer than {MaxRunnerIdLength} characters";
        }
        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' or '@'))
            {
                return $"runner_id: {Quote(id)} may hold only letters, digits, '.', '_', '-', ':' and '@'";
            }
        }
        return null;
    }

    private static string? LocationProblem(string location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            return "location: empty; leave the field out instead";
        }
        if (location.Length > DocumentLimits.MaxNameLength)
        {
            return $"location: longer than {DocumentLimits.MaxNameLength} characters";
        }
        foreach (char c in location)
        {
            if (char.IsControl(c))
            {
                return $"location: contains the control character U+{(int)c:X4}";
            }
        }
        return null;
    }

    private static string Quote(string value)
    {
        string shown = value.Length <= 40 ? value : value[..40] + "…";
        return "'" + string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + "'";
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
