using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RtcBench.Agent.Http;

/// <summary>
/// Requires the API key on every request except GET/HEAD /health and POST /direct/{room}/offer (room token), as <c>X-Api-Key: KEY</c> or
/// <c>Authorization: Bearer KEY</c>. The comparison is constant-time over SHA-256 digests (no length leak).
/// The key is never logged or echoed.
/// </summary>
internal sealed class ApiKeyCheck(string apiKey, ILogger logger)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        bool open = request.Path.Equals("/health", StringComparison.OrdinalIgnoreCase)
            && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method));
        // The direct signalling endpoint is authorised by the room token (issued only through /connect).
        open |= DirectSignalEndpoints.IsSignalPath(request);
        if (open || Matches(Presented(request)))
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

    public bool Matches(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _expected);
    }

    private static string? Presented(HttpRequest request)
    {
        string? header = request.Headers["X-Api-Key"];
        if (!string.IsNullOrEmpty(header))
        {
            return header;
        }
        string? authorization = request.Headers.Authorization;
        const string Bearer = "Bearer ";
        if (authorization is not null && authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[Bearer.Length..].Trim();
        }
        return null;
    }
}
