namespace RtcBench.LiveKit.Rooms;

/// <summary>
/// Twirp's error codes (the <c>code</c> of a Twirp error body) and the HTTP status each travels with, from the Twirp
/// v7 specification. LiveKit's server API answers with these.
/// </summary>
public static class TwirpErrorCodes
{
    public const string Canceled = "canceled";
    public const string Unknown = "unknown";
    public const string InvalidArgument = "invalid_argument";
    public const string Malformed = "malformed";
    public const string DeadlineExceeded = "deadline_exceeded";
    public const string NotFound = "not_found";
    public const string BadRoute = "bad_route";
    public const string AlreadyExists = "already_exists";
    public const string PermissionDenied = "permission_denied";
    public const string Unauthenticated = "unauthenticated";
    public const string ResourceExhausted = "resource_exhausted";
    public const string FailedPrecondition = "failed_precondition";
    public const string Aborted = "aborted";
    public const string OutOfRange = "out_of_range";
    public const string Unimplemented = "unimplemented";
    public const string Internal = "internal";
    public const string Unavailable = "unavailable";
    public const string DataLoss = "data_loss";

    /// <summary>The HTTP status a Twirp server sends with <paramref name="code"/>; 500 for codes it does not know.</summary>
    public static int HttpStatus(string code) => code switch
    {
        Canceled => 408,
        Unknown => 500,
        InvalidArgument => 400,
        Malformed => 400,
        DeadlineExceeded => 408,
        NotFound => 404,
        BadRoute => 404,
        AlreadyExists => 409,
        PermissionDenied => 403,
        Unauthenticated => 401,
        ResourceExhausted => 429,
        FailedPrecondition => 412,
        Aborted => 409,
        OutOfRange => 400,
        Unimplemented => 501,
        Internal => 500,
        Unavailable => 503,
        DataLoss => 500,
        _ => 500,
    };

    /// <summary>
    /// The code a Twirp client gives an HTTP error that carries no Twirp error body (a proxy's or load balancer's page),
    /// as the Twirp specification says: 3xx internal, 400 internal, 401 unauthenticated, 403 permission_denied,
    /// 404 bad_route, 429/502/503/504 unavailable, anything else unknown.
    /// </summary>
    public static string FromHttpStatus(int status) => status switch
    {
        >= 300 and < 400 => Internal,
        400 => Internal,
        401 => Unauthenticated,
        403 => PermissionDenied,
        404 => BadRoute,
        429 or 502 or 503 or 504 => Unavailable,
        _ => Unknown,
    };
}
