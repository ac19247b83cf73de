using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Rooms;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// Stands in for LiveKit's server Twirp API, RoomService only, in tests: there is no LiveKit server we may run here
/// (PROTOCOLS.md §2 A7). Built from PROTOCOLS.md §2 A4: <c>POST /twirp/livekit.RoomService/&lt;Method&gt;</c> with a
/// JSON body (snake_case or camelCase keys) and <c>Authorization: Bearer &lt;JWT&gt;</c>; the token is verified
/// (signature, issuer, exp) and the method's grant checked (CreateRoom/DeleteRoom roomCreate, ListRooms roomList,
/// ListParticipants roomAdmin for that room); answers are protojson with proto (snake_case) names, default values
/// included and int64 as strings; errors are Twirp's <c>{"code","msg"}</c> with the matching HTTP status.
/// Rooms live in a <see cref="StandInRooms"/> that the signalling stand-in can share.
/// </summary>
/// <remarks>
/// Unlike LiveKit, a request without a token or with a bad one gets Twirp <c>unauthenticated</c> (LiveKit answers a
/// bad token with a plain 401 and a missing one with permission_denied); the client maps both the same way.
/// </remarks>
public sealed class StandInRoomService
{
    public const string PathPrefix = "/twirp/livekit.RoomService/";

    private static readonly JsonFormatter Formatter =
        new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true));

    private readonly LiveKitCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<Call> _calls = new();

    public StandInRoomService(StandInRooms rooms, LiveKitCredentials credentials, TimeProvider? time = null)
    {
        Rooms = rooms;
        _credentials = credentials;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>One authenticated call as received: the method and the grant of its token.</summary>
    public sealed record Call(string Method, VideoGrant Grant, string Identity);

    public StandInRooms Rooms { get; }

    /// <summary>The calls whose token was valid, in arrival order (whether or not the grant sufficed).</summary>
    public IReadOnlyList<Call> Calls => _calls.ToArray();

    /// <summary>Maps <c>POST /twirp/livekit.RoomService/{method}</c> onto <paramref name="endpoints"/>.</summary>
    public void Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost(PathPrefix + "{method}", HandleAsync);
    }

    private async Task HandleAsync(HttpContext context, string method)
    {
        var (status, body) = await AnswerAsync(context.Request, method);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private async Task<(int Status, string Body)> AnswerAsync(HttpRequest request, string method)
    {
        if (method is not ("CreateRoom" or "DeleteRoom" or "ListRooms" or "ListParticipants"))
        {
            return Error(TwirpErrorCodes.BadRoute, $"no handler for path \"{request.Path}\"");
        }
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Error(TwirpErrorCodes.BadRoute, $"unexpected Content-Type: \"{request.ContentType}\" (the stand-in speaks JSON only)");
        }

        string authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Error(TwirpErrorCodes.Unauthenticated, "no Bearer token in the Authorization header");
        }
        LiveKitTokenClaims claims;
        try
        {
            claims = LiveKitTokens.Validate(authorization["Bearer ".Length..].Trim(), _credentials, _time);
        }
        catch (LiveKitTokenException e)
        {
            return Error(TwirpErrorCodes.Unauthenticated, "invalid token: " + e.Message);
        }
        _calls.Enqueue(new Call(method, claims.Grant, claims.Identity));

        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Error(TwirpErrorCodes.Malformed, "the body is not a JSON object");
            }
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Error(TwirpErrorCodes.Malformed, "the body is not JSON: " + e.Message);
        }

        return method switch
        {
            "CreateRoom" => CreateRoom(claims.Grant, body),
            "DeleteRoom" => DeleteRoom(claims.Grant, body),
            "ListRooms" => ListRooms(claims.Grant, body),
            _ => ListParticipants(claims.Grant, body),
        };
    }

    private (int, string) CreateRoom(VideoGrant grant, JsonElement body)
    {
        if (!grant.RoomCreate)
        {
            return Error(TwirpErrorCodes.PermissionDenied, "permissions denied: roomCreate is required");
        }
        string? name = String(body, "name");
        if (string.IsNullOrEmpty(name))
        {
            return Error(TwirpErrorCodes.InvalidArgument, "room name is required");
        }
        var room = Rooms.GetOrCreate(
            name,
            UInt(body, "empty_timeout", "emptyTimeout"),
            UInt(body, "departure_timeout", "departureTimeout"),
            UInt(body, "max_participants", "maxParticipants"),
            String(body, "metadata") ?? string.Empty);
        return (200, Formatter.Format(room));
    }

    private (int, string) DeleteRoom(VideoGrant grant, JsonElement body)
    {
        if (!grant.RoomCreate)
        {
            return Error(TwirpErrorCodes.PermissionDenied, "permissions denied: roomCreate is required");
        }
        string? room = String(body, "room");
        if (string.IsNullOrEmpty(room))
        {
            return Error(TwirpErrorCodes.InvalidArgument, "room is required");
        }
        return Rooms.Delete(room) ? (200, "{}") : Error(TwirpErrorCodes.NotFound, "requested room does not exist");
    }

    private (int, string) ListRooms(VideoGrant grant, JsonElement body)
    {
        if (!grant.RoomList)
        {
            return Error(TwirpErrorCodes.PermissionDenied, "permissions denied: roomList is required");
        }
        List<string>? names = null;
        if (body.TryGetProperty("names", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            names = array.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToList();
        }
        return (200, Wrap("rooms", Rooms.List(names)));
    }

    private (int, string) ListParticipants(VideoGrant grant, JsonElement body)
    {
        string? room = String(body, "room");
        if (string.IsNullOrEmpty(room))
        {
            return Error(TwirpErrorCodes.InvalidArgument, "room is required");
        }
        if (!grant.AllowsAdmin(room))
        {
            return Error(TwirpErrorCodes.PermissionDenied, "permissions denied: roomAdmin for this room is required");
        }
        var participants = Rooms.Participants(room);
        return participants is null
            ? Error(TwirpErrorCodes.NotFound, "requested room does not exist")
            : (200, Wrap("participants", participants));
    }

    private static string Wrap<T>(string field, IReadOnlyList<T> items)
        where T : IMessage
    {
        var sb = new StringBuilder().Append("{\"").Append(field).Append("\":[");
        for (int i = 0; i < items.Count; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append(Formatter.Format(items[i]));
        }
        return sb.Append("]}").ToString();
    }

    private static (int, string) Error(string code, string msg) =>
        (TwirpErrorCodes.HttpStatus(code), JsonSerializer.Serialize(new Dictionary<string, string> { ["code"] = code, ["msg"] = msg }));

    private static string? String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static uint UInt(JsonElement body, string snake, string camel) =>
        (body.TryGetProperty(snake, out var value) || body.TryGetProperty(camel, out value))
        && value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out uint n)
            ? n
            : 0;
}
