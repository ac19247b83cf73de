using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace RtcBench.Agent.Http;

/// <summary>
/// The last line of defence: maps request errors thrown by the server (bad HTTP, body too large, JSON errors) to
/// 4xx ProblemDetails with one log line and no stack trace (a client fault), and anything else to a generic 500
/// without details (logged with its stack trace: that is a bug of ours). The exception-handler middleware's own
/// logging is switched off (<see cref="Options"/>), so nothing is logged twice.
/// </summary>
internal sealed class ErrorHandling(ILogger logger)
{
    /// <summary>The middleware's options: this handler, and no diagnostics of the middleware's own.</summary>
    public ExceptionHandlerOptions Options => new()
    {
        ExceptionHandler = HandleAsync,
        SuppressDiagnosticsCallback = static _ => true,
    };

    public Task HandleAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        IResult result = error switch
        {
            BadHttpRequestException bad => ClientFault(context, RequestBody.FromKestrel(bad)),
            JsonException json => ClientFault(context, RequestError.BadRequest(
                $"malformed JSON at line {(json.LineNumber ?? 0) + 1}, position {(json.BytePositionInLine ?? 0) + 1}")),
            RtcBench.Platforms.PlatformException platform => Results.Problem(
                detail: "a platform could not set the room up: " + platform.Message,
                statusCode: StatusCodes.Status502BadGateway),
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
            StatusCodes.Status404NotFound =>
                $"no such endpoint: {path}; this agent serves POST /connect, POST /disconnect, GET /health, GET /rooms",
            StatusCodes.Status405MethodNotAllowed => $"method {http.Request.Method} is not allowed on {path}",
            _ => ReasonPhrases.GetReasonPhrase(status),
        };
        return Results.Problem(detail: detail, statusCode: status).ExecuteAsync(http);
    }

    private IResult ClientFault(HttpContext context, RequestError error)
    {
        AgentLog.ClientFault(logger, context.Request.Method, AgentLog.ShortPath(context.Request.Path.Value), error.Detail);
        return error.ToResult();
    }

    private IResult Unexpected(HttpContext context, Exception? error)
    {
        if (error is not null)
        {
            AgentLog.UnhandledError(logger, error, context.Request.Method, context.Request.Path.Value ?? "/");
        }
        return Results.Problem(
            detail: "the agent failed to handle this request; the error has been logged",
            statusCode: StatusCodes.Status500InternalServerError);
    }
}
