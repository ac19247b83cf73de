using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace RtcBench.Server.Http;

/// <summary>
/// The last line of defence: a store that cannot be reached → 503 with Retry-After, request errors → 4xx, anything
/// else → a generic 500 (logged, never shown). Every error answer is ProblemDetails.
/// </summary>
internal sealed class ErrorHandling(ILogger logger, int maxBodyBytes)
{
    public Task HandleAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        IResult result = error switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ProblemResults.TooLarge(maxBodyBytes),
            BadHttpRequestException bad => Results.Problem(detail: bad.Message, statusCode: bad.StatusCode),
            JsonException => ProblemResults.BadRequest("malformed JSON in the request"),
            not null when StoreFailure.IsUnavailable(error) => Unavailable(context),
            _ => Unexpected(context, error),
        };
        return result.ExecuteAsync(context);
    }

    /// <summary>Gives body-less error answers (unknown route 404, wrong method 405, …) a ProblemDetails body.</summary>
    public static Task StatusCodePageAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        int status = http.Response.StatusCode;
        string path = http.Request.Path.Value ?? "/";
        if (path.Length > 200)
        {
            path = path[..200] + "…";
        }
        string detail = status switch
        {
            StatusCodes.Status404NotFound => $"no such endpoint: {path}; see /openapi.json for the routes this service serves",
            StatusCodes.Status405MethodNotAllowed => $"method {http.Request.Method} is not allowed on {path}",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        return Results.Problem(detail: detail, statusCode: status).ExecuteAsync(http);
    }

    private IResult Unavailable(HttpContext context)
    {
        ServerLog.StoreUnavailable(logger, context.Request.Method, context.Request.Path.Value ?? "/");
        return ProblemResults.StoreUnavailable(context);
    }

    private IResult Unexpected(HttpContext context, Exception? error)
    {
        if (error is not null)
        {
            ServerLog.UnhandledError(logger, error, context.Request.Method, context.Request.Path.Value ?? "/");
        }
        return Results.Problem(
            detail: "the service failed to handle this request; the error has been logged",
            statusCode: StatusCodes.Status500InternalServerError);
    }
}
