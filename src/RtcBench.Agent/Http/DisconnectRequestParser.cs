using System.Text.Json;

namespace RtcBench.Agent.Http;

/// <summary>Parses POST /disconnect: <c>{"room_id":"&lt;32 hex&gt;"}</c>.</summary>
internal static class DisconnectRequestParser
{
    public static Guid? TryParse(byte[] body, out RequestError? error)
    {
        if (body.Length == 0)
        {
            error = RequestError.BadRequest("the request body must be a JSON object with 'room_id'");
            return null;
        }
        using var doc = JsonBody.TryParseObject(body, out error);
        if (doc is null)
        {
            return null;
        }
        Guid? roomId = null;
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.Name != "room_id")
            {
                error = RequestError.BadRequest($"unknown field '{JsonBody.Quote(property.Name)}'; expected: room_id");
                return null;
            }
            if (roomId is not null)
            {
                error = RequestError.BadRequest("field 'room_id' appears more than once");
                return null;
            }
            if (property.Value.ValueKind != JsonValueKind.String
                || !Guid.TryParseExact(property.Value.GetString(), "N", out var id))
            {
                error = RequestError.BadRequest("'room_id' must be a room id: 32 hexadecimal digits");
                return null;
            }
            roomId = id;
        }
        if (roomId is null)
        {
            error = RequestError.BadRequest("'room_id' is required");
            return null;
        }
        error = null;
        return roomId;
    }
}
