using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RtcBench.Core.Security;

namespace RtcBench.Agent.Http;

/// <summary>
/// Requires the API key on every request except GET/HEAD /health, POST /direct/{room}/offer (room token) and, when
/// <paramref name="metricsOpen"/>, GET/HEAD /metrics, as <c>X-Api-Key: KEY</c> or
/// <c>Authorization: Bearer KEY</c>. The comparison is constant-time over SHA-256 digests (no length leak).
/// The key is never logged or echoed.
/// </summary>
internal sealed class ApiKeyCheck(string apiKey, bool metricsOpen, ILogger logger)
{
    private readonly SharedSecret _secret = new(apiKey);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        bool read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        bool open = read && (request.Path.Equals("/health", StringComparison.OrdinalIgnoreCase)
            || (metricsOpen && request.Path.Equals(Hosting.MetricsExposition.Path, StringComparison.OrdinalIgnoreCase)));
        // The direct signalling endpoint is authorised by the room token (issued only through /connect).
        open |= DirectSignalEndpoints.IsSignalPath(request);
        if (open || _secret.Matches(SharedSecret.Presented(request.Headers["X-Api-Key"], request.Headers.Authorization)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        AgentLog.Unauthorized(logger, request.Method, request.Path.Value ?? "/");
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
                detail: "a valid API key is required: send 'X-Api-Key: <key>' or 'Authorization: Bearer <key>'",
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized")
            .ExecuteAsync(context)
            .ConfigureAwait(false);
    }
}
