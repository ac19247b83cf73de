using System.Net;

namespace RtcBench.Platforms.Daily;

/// <summary>Daily's REST API answered with an error; <see cref="Kind"/> is Daily's stable error type.</summary>
public sealed class DailyApiException : Exception
{
    public DailyApiException(HttpStatusCode status, DailyErrorKind kind, string? info, string operation)
        : base($"Daily {operation} failed: {(int)status} {KindText(kind)}{(string.IsNullOrEmpty(info) ? "" : ": " + info)}")
    {
        Status = status;
        Kind = kind;
        Info = info;
    }

    public HttpStatusCode Status { get; }

    public DailyErrorKind Kind { get; }

    /// <summary>Daily's human-readable detail (may change between versions; never parse it).</summary>
    public string? Info { get; }

    internal static DailyErrorKind ParseKind(string? error, HttpStatusCode status) => error switch
    {
        "authorization-header-error" => DailyErrorKind.AuthorizationHeader,
        "authentication-error" => DailyErrorKind.Authentication,
        "forbidden-error" => DailyErrorKind.Forbidden,
        "json-parsing-error" => DailyErrorKind.JsonParsing,
        "invalid-request-error" => DailyErrorKind.InvalidRequest,
        "rate-limit-error" => DailyErrorKind.RateLimit,
        "server-error" => DailyErrorKind.Server,
        "not-found" => DailyErrorKind.NotFound,
        _ => status switch
        {
            HttpStatusCode.NotFound => DailyErrorKind.NotFound,
            HttpStatusCode.TooManyRequests => DailyErrorKind.RateLimit,
            HttpStatusCode.Unauthorized => DailyErrorKind.Authentication,
            HttpStatusCode.Forbidden => DailyErrorKind.Forbidden,
            >= HttpStatusCode.InternalServerError => DailyErrorKind.Server,
            _ => DailyErrorKind.Unknown,
        },
    };

    private static string KindText(DailyErrorKind kind) => kind switch
    {
        DailyErrorKind.AuthorizationHeader => "authorization-header-error (the API key header is missing or malformed)",
        DailyErrorKind.Authentication => "authentication-error (DAILY_API_KEY was refused)",
        DailyErrorKind.Forbidden => "forbidden-error",
        DailyErrorKind.JsonParsing => "json-parsing-error",
        DailyErrorKind.InvalidRequest => "invalid-request-error",
        DailyErrorKind.NotFound => "not found",
        DailyErrorKind.RateLimit => "rate-limit-error (retries exhausted)",
        DailyErrorKind.Server => "server-error",
        _ => "unexpected error",
    };
}
