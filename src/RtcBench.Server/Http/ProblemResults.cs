using Microsoft.AspNetCore.Http;

namespace RtcBench.Server.Http;

/// <summary>The service's error answers: ProblemDetails with a status, a short title and a detail naming the cause.</summary>
internal static class ProblemResults
{
    public static IResult BadRequest(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad Request");

    public static IResult NotFound(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not Found");

    public static IResult Conflict(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult TooLarge(int maxBytes) => Results.Problem(
        detail: $"the request body exceeds {maxBytes} bytes",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Payload Too Large");

    /// <summary>503 with Retry-After: the store cannot be reached now; the same request may succeed later.</summary>
    public static IResult StoreUnavailable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = StoreFailure.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Problem(
            detail: "the result store is unavailable; retry later (nothing was stored)",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Service Unavailable");
    }
}
