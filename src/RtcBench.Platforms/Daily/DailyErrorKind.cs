namespace RtcBench.Platforms.Daily;

/// <summary>The stable <c>error</c> types of Daily's REST error body <c>{"error": "...", "info": "..."}</c>.</summary>
public enum DailyErrorKind
{
    Unknown,
    AuthorizationHeader,
    Authentication,
    Forbidden,
    JsonParsing,
    InvalidRequest,
    NotFound,
    RateLimit,
    Server,
}
