using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RtcBench.Core.Security;

namespace RtcBench.Server.Http;

/// <summary>
/// Requires the ingest token on every request that writes (any method but GET/HEAD), as
/// <c>Authorization: Bearer TOKEN</c> or <c>X-Api-Key: TOKEN</c>; reads stay open. The comparison is constant-time
/// over SHA-256 digests; <c>GET /metrics</c> too when <paramref name="metricsRequireToken"/>. The token is never
/// logged or echoed.
/// </summary>
internal sealed class IngestTokenCheck(string token, bool metricsRequireToken, ILogger logger)
{
    private readonly SharedSecret _secret = new(token);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        bool read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (metricsRequireToken && request.Path.Equals(Hosting.MetricsExposition.Path, StringComparison.OrdinalIgnoreCase))
        {
            read = false;
        }
        if (read || _secret.Matches(SharedSecret.Presented(request.Headers["X-Api-Key"], request.Headers.Authorization)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        ServerLog.Unauthorized(logger, request.Method, request.Path.Value ?? "/");
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
                detail: "a valid ingest token is required: send 'Authorization: Bearer <token>' or 'X-Api-Key: <token>'",
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized")
            .ExecuteAsync(context)
            .ConfigureAwait(false);
    }
}
