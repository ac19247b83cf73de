using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RtcBench.Agent.Platforms;

namespace RtcBench.Agent.Http;

/// <summary>
/// WHIP-like signalling for the <c>direct</c> platform: <c>POST /direct/{room_id}/offer</c> with
/// <c>Content-Type: application/sdp</c> and <c>Authorization: Bearer &lt;room token&gt;</c>; 201 with the SDP answer
/// (<c>application/sdp</c>), else ProblemDetails: 400 bad SDP, 401 bad token, 404 unknown room, 408 body too slow,
/// 409 already connected, 413 too large, 415 not SDP. The room token authorises the request (the API key is not
/// required here), and it is checked — with the room's existence — from the headers alone, before any body byte is
/// read: without a room and its token nobody can hold a read open or make the agent log.
/// </summary>
internal sealed class DirectSignalEndpoints(DirectEchoPlatform direct, RequestBody bodies)
{
    public void Map(WebApplication app) =>
        app.MapPost("/direct/{roomId}/offer", (Func<HttpContext, string, Task<IResult>>)OfferAsync);

    /// <summary>Whether a request is for this endpoint (so the API-key check can let the room token decide).</summary>
    public static bool IsSignalPath(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/direct", StringComparison.OrdinalIgnoreCase)
        && request.Path.Value!.EndsWith("/offer", StringComparison.OrdinalIgnoreCase);

    private async Task<IResult> OfferAsync(HttpContext context, string roomId)
    {
        if (!Guid.TryParseExact(roomId, "N", out var id))
        {
            return Problem(StatusCodes.Status404NotFound, $"room '{JsonBody.Quote(roomId)}' is not a room id (32 hex digits)");
        }

        var request = context.Request;
        string? authorization = request.Headers.Authorization;
        const string Bearer = "Bearer ";
        string? token = authorization is not null && authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
            ? authorization[Bearer.Length..].Trim()
            : null;
        switch (direct.Authorize(id, token))
        {
            case DirectOfferStatus.UnknownRoom:
                return UnknownRoom(id);
            case DirectOfferStatus.BadToken:
                return BadToken();
        }

        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "the offer must be sent as Content-Type: application/sdp");
        }

        var (body, error) = await bodies.ReadRawAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error.Status == StatusCodes.Status413PayloadTooLarge
                ? Problem(StatusCodes.Status413PayloadTooLarge, $"an SDP offer is at most {RequestBody.MaxBytes} bytes")
                : error.ToResult();
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Problem(StatusCodes.Status400BadRequest, "the offer is not valid UTF-8 text");
        }

        var result = direct.AcceptOffer(id, token, Encoding.UTF8.GetString(body!), context.Connection.LocalIpAddress);
        return result.Status switch
        {
            DirectOfferStatus.Answered => Results.Text(result.Answer, "application/sdp", statusCode: StatusCodes.Status201Created),
            DirectOfferStatus.UnknownRoom => UnknownRoom(id),
            DirectOfferStatus.BadToken => BadToken(),
            DirectOfferStatus.AlreadyConnected => Problem(StatusCodes.Status409Conflict, $"room '{id:N}' already has a direct peer"),
            _ => Problem(StatusCodes.Status400BadRequest, result.Error ?? "the offer is not a usable data-channel offer"),
        };
    }

    private static IResult UnknownRoom(Guid id) => Problem(StatusCodes.Status404NotFound, $"room '{id:N}' is not open on this agent");

    private static IResult BadToken() =>
        Problem(StatusCodes.Status401Unauthorized, "present the room's token as 'Authorization: Bearer <token>'");

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);
}
