using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RtcBench.Agent.Http;

/// <summary>
/// The last line of defence: maps request errors thrown by the server (bad HTTP, body too large, JSON errors) to
/// 4xx ProblemDetails and anything else to a generic 500 without details (logged, never shown).
/// </summary>
internal sealed class ErrorHandling(ILogger logger)
{
    public Task HandleAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        IResult result = error switch
        {
            BadHttpRequestException bad => Results.Problem(
                detail: bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"the request body exceeds {RequestBody.MaxBytes} bytes"
                    : bad.Message,
                statusCode: bad.StatusCode),
            JsonException json => Results.Problem(
                detail: $"malformed JSON at line {(json.LineNumber ?? 0) + 1}, position {(json.BytePositionInLine ?? 0) + 1}",
                statusCode: StatusCodes.Status400BadRequest),
            _ => Unexpected(context, error),
        };
        return result.ExecuteAsync(context);
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
