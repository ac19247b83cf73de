using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Rooms;

/// <summary>
/// LiveKit's RoomService server API (PROTOCOLS.md §2 A4): Twirp over HTTP, <c>POST /twirp/livekit.RoomService/&lt;Method&gt;</c>
/// with JSON bodies and a Bearer token. Each call mints its own short-lived admin token with only the grant it needs.
/// Responses are protojson parsed into our generated types, unknown fields ignored. Failures are
/// <see cref="TwirpException"/>s; cancelling <c>ct</c> throws <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class RoomServiceClient
{
    /// <summary>How long each call's admin token lives.</summary>
    public static readonly TimeSpan AdminTokenLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The largest response body read; a bigger one is refused.</summary>
    public const int MaxResponseBytes = 4 * 1024 * 1024;

    private const string Service = "livekit.RoomService";
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private readonly HttpClient _http;
    private readonly LiveKitCredentials _credentials;
    private readonly TimeProvider _time;

    /// <param name="http">Sends the requests; its <see cref="HttpClient.Timeout"/> bounds each call.</param>
    /// <param name="serverUrl">The LiveKit URL: <c>wss://…</c>/<c>ws://…</c> as clients use it, or <c>https://…</c>/<c>http://…</c>.</param>
    public RoomServiceClient(HttpClient http, Uri serverUrl, LiveKitCredentials credentials, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(serverUrl);
        ArgumentNullException.ThrowIfNull(credentials);
        _http = http;
        _credentials = credentials;
        _time = time ?? TimeProvider.System;
        BaseUrl = HttpBaseUrl(serverUrl);
    }

    /// <summary>The server's HTTP(S) base URL, ending in '/'.</summary>
    public Uri BaseUrl { get; }

    /// <summary>
    /// Creates <paramref name="name"/> (LiveKit returns the existing room when it already exists). Zero timeouts mean
    /// the server's defaults (empty 300 s, departure 20 s); zero <paramref name="maxParticipants"/> means no limit.
    /// </summary>
    public async Task<Room> CreateRoomAsync(string name, TimeSpan emptyTimeout, TimeSpan departureTimeout, int maxParticipants, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        uint empty = WholeSeconds(emptyTimeout, nameof(emptyTimeout));
        uint departure = WholeSeconds(departureTimeout, nameof(departureTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(maxParticipants);

        string json = await CallAsync("CreateRoom", new VideoGrant { RoomCreate = true }, w =>
        {
            w.WriteString("name", name);
            w.WriteNumber("empty_timeout", empty);
            w.WriteNumber("departure_timeout", departure);
            w.WriteNumber("max_participants", maxParticipants);
        }, ct).ConfigureAwait(false);
        return Parse<Room>("CreateRoom", json);
    }

    /// <summary>Deletes <paramref name="name"/>, disconnecting its participants; <c>not_found</c> when there is no such room.</summary>
    public async Task DeleteRoomAsync(string name, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await CallAsync("DeleteRoom", new VideoGrant { RoomCreate = true }, w => w.WriteString("room", name), ct).ConfigureAwait(false);
    }

    /// <summary>The active rooms, or only those named in <paramref name="names"/> when given.</summary>
    public async Task<IReadOnlyList<Room>> ListRoomsAsync(IReadOnlyCollection<string>? names, CancellationToken ct)
    {
        string json = await CallAsync("ListRooms", new VideoGrant { RoomList = true }, w =>
        {
            if (names is { Count: > 0 })
            {
                w.WriteStartArray("names");
                foreach (string n in names)
                {
                    w.WriteStringValue(n);
                }
                w.WriteEndArray();
            }
        }, ct).ConfigureAwait(false);
        return ParseList<Room>("ListRooms", json, "rooms");
    }

    /// <summary>The participants of <paramref name="room"/>; <c>not_found</c> when there is no such room.</summary>
    public async Task<IReadOnlyList<ParticipantInfo>> ListParticipantsAsync(string room, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        string json = await CallAsync("ListParticipants", new VideoGrant { RoomAdmin = true, Room = room }, w => w.WriteString("room", room), ct)
            .ConfigureAwait(false);
        return ParseList<ParticipantInfo>("ListParticipants", json, "participants");
    }

    /// <summary>
    /// One Twirp call: mints a token with <paramref name="grant"/>, posts the JSON object <paramref name="writeBody"/>
    /// writes, and returns the response body (JSON) or throws <see cref="TwirpException"/>.
    /// </summary>
    internal async Task<string> CallAsync(string method, VideoGrant grant, Action<Utf8JsonWriter> writeBody, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writeBody(writer);
            writer.WriteEndObject();
        }
        string token = LiveKitTokens.Create(_credentials, "", grant, AdminTokenLifetime, _time);
        return await SendAsync(method, body.WrittenMemory, token, ct).ConfigureAwait(false);
    }

    internal async Task<string> SendAsync(string method, ReadOnlyMemory<byte> jsonBody, string token, CancellationToken ct)
    {
        var url = new Uri(BaseUrl, $"twirp/{Service}/{method}");
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ReadOnlyMemoryContent(jsonBody),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        string where = $"LiveKit {method} at {BaseUrl}";
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            string text = await ReadBodyAsync(response, where, ct).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode && LooksLikeJsonObject(text))
            {
                return text;
            }
            throw response.IsSuccessStatusCode
                ? new TwirpException(TwirpErrorCodes.Malformed, status,
                    $"{where}: HTTP {status} with {ContentType(response)} is not a JSON answer (is the URL a LiveKit server?): {Snippet(text)}")
                : ErrorFrom(where, status, response, text);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TwirpException(TwirpErrorCodes.DeadlineExceeded, 0,
                $"{where}: no answer within {_http.Timeout.TotalSeconds:0.###} s.", e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new TwirpException(TwirpErrorCodes.Unavailable, 0,
                $"{where}: could not reach the server ({Reason(e)}).", e);
        }
    }

    private static string Reason(Exception e) =>
        e is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } h ? $"{h.HttpRequestError}: {h.Message}" : e.Message;

    private static TwirpException ErrorFrom(string where, int status, HttpResponseMessage response, string text)
    {
        if (TryReadTwirpError(text, out string? code, out string? msg))
        {
            return new TwirpException(code, status, $"{where}: {code}: {msg} (HTTP {status}).", isServerError: true);
        }
        string derived = TwirpErrorCodes.FromHttpStatus(status);
        return new TwirpException(derived, status,
            $"{where}: HTTP {status} {response.ReasonPhrase} with {ContentType(response)}, not a Twirp error (a proxy, load balancer or wrong URL?): {Snippet(text)}");
    }

    private static bool TryReadTwirpError(string text, out string code, out string? msg)
    {
        code = string.Empty;
        msg = null;
        if (!LooksLikeJsonObject(text))
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 } s)
            {
                code = s;
                msg = doc.RootElement.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return true;
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, string where, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw new TwirpException(TwirpErrorCodes.Malformed, (int)response.StatusCode,
                $"{where}: the answer is {response.Content.Headers.ContentLength} bytes, more than the {MaxResponseBytes} this client reads.");
        }
        using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            int read = await stream.ReadAsync(buffer.GetMemory(4096), ct).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            buffer.Advance(read);
            if (buffer.WrittenCount > MaxResponseBytes)
            {
                throw new TwirpException(TwirpErrorCodes.Malformed, (int)response.StatusCode,
                    $"{where}: the answer is more than the {MaxResponseBytes} bytes this client reads.");
            }
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static T Parse<T>(string method, string json)
        where T : IMessage, new()
    {
        try
        {
            return Parser.Parse<T>(json);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new TwirpException(TwirpErrorCodes.Malformed, 200, $"LiveKit {method}: the answer is not a valid {typeof(T).Name}: {e.Message}", e);
        }
    }

    internal static List<T> ParseList<T>(string method, string json, string field)
        where T : IMessage, new()
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<T>();
        if (!doc.RootElement.TryGetProperty(field, out var items) || items.ValueKind == JsonValueKind.Null)
        {
            return list;
        }
        if (items.ValueKind != JsonValueKind.Array)
        {
            throw new TwirpException(TwirpErrorCodes.Malformed, 200, $"LiveKit {method}: '{field}' is a JSON {items.ValueKind}, not an array.");
        }
        foreach (var item in items.EnumerateArray())
        {
            list.Add(Parse<T>(method, item.GetRawText()));
        }
        return list;
    }

    private static bool LooksLikeJsonObject(string text)
    {
        if (!text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string ContentType(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType ?? "no content type";

    /// <summary>The start of a body for an error message: one line, printable characters only, at most 200 of them.</summary>
    private static string Snippet(string text)
    {
        var sb = new StringBuilder(200);
        bool space = false;
        foreach (char c in text)
        {
            if (sb.Length >= 200)
            {
                sb.Append('…');
                break;
            }
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }
            if (space)
            {
                sb.Append(' ');
                space = false;
            }
            sb.Append(c);
        }
        return sb.Length == 0 ? "(empty body)" : sb.ToString();
    }

    private static uint WholeSeconds(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value.Ticks % TimeSpan.TicksPerSecond != 0 || value.TotalSeconds > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, value, "LiveKit room timeouts are whole seconds, zero or more (zero: the server's default).");
        }
        return (uint)value.TotalSeconds;
    }

    /// <summary>The HTTP(S) base of a LiveKit URL: ws→http, wss→https; path kept, query, fragment and user info dropped.</summary>
    public static Uri HttpBaseUrl(Uri serverUrl)
    {
        ArgumentNullException.ThrowIfNull(serverUrl);
        if (!serverUrl.IsAbsoluteUri)
        {
            throw new ArgumentException($"The LiveKit URL '{serverUrl}' is not absolute (expected wss://host or https://host).", nameof(serverUrl));
        }
        string scheme = serverUrl.Scheme switch
        {
            "ws" or "http" => Uri.UriSchemeHttp,
            "wss" or "https" => Uri.UriSchemeHttps,
            _ => throw new ArgumentException(
                $"The LiveKit URL scheme '{serverUrl.Scheme}' is not one of ws, wss, http, https.", nameof(serverUrl)),
        };
        var builder = new UriBuilder(serverUrl)
        {
            Scheme = scheme,
            Port = serverUrl.IsDefaultPort ? -1 : serverUrl.Port,
            UserName = string.Empty,
            Password = string.Empty,
            Query = string.Empty,
            Fragment = string.Empty,
        };
        builder.Path = builder.Path.TrimEnd('/') + "/";
        return builder.Uri;
    }
}
