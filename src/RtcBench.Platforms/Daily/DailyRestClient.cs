using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RtcBench.Platforms.Daily;

/// <summary>
/// Client for the parts of Daily's REST API a benchmark needs (https://api.daily.co/v1): create a room, mint a
/// meeting token scoped to it, delete it. Errors become <see cref="DailyApiException"/> with Daily's stable error
/// type; 429 answers are retried after <c>Retry-After</c> (or an exponential back-off), a bounded number of times.
/// The API key goes only into the Authorization header: never into a message or a log.
/// </summary>
public sealed class DailyRestClient : IDisposable
{
    public static readonly Uri DefaultBaseUrl = new("https://api.daily.co/v1/");

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _time;

    /// <param name="apiKey">The Daily API key (from DAILY_API_KEY).</param>
    /// <param name="baseUrl">API base URL; tests point it at a local stand-in.</param>
    /// <param name="http">Optional HttpClient (not disposed by this client).</param>
    /// <param name="time">Clock for back-off delays and token expiry.</param>
    public DailyRestClient(string apiKey, Uri? baseUrl = null, HttpClient? http = null, TimeProvider? time = null)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new ArgumentException("A Daily API key is required (set DAILY_API_KEY).", nameof(apiKey));
        }
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        _time = time ?? TimeProvider.System;
        BaseUrl = baseUrl ?? DefaultBaseUrl;
        if (!BaseUrl.AbsoluteUri.EndsWith('/'))
        {
            BaseUrl = new Uri(BaseUrl.AbsoluteUri + "/");
        }
        ApiKey = apiKey;
    }

    public Uri BaseUrl { get; }

    /// <summary>How many times a 429 is retried before giving up.</summary>
    public int MaxRateLimitRetries { get; init; } = 5;

    private string ApiKey { get; }

    /// <summary><c>POST /rooms</c>: a private room that expires (and ejects everyone) at the given time.</summary>
    public async Task<DailyRoom> CreateRoomAsync(DailyRoomRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = request.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems), nameof(request));
        }
        var properties = new JsonObject
        {
            ["exp"] = request.ExpiresAt.ToUnixTimeSeconds(),
            ["eject_at_room_exp"] = request.EjectAtExpiry,
            ["max_participants"] = request.MaxParticipants,
            ["sfu_switchover"] = request.Topology == DailyTopology.Sfu ? 0.5 : 4,
            ["start_video_off"] = true,
            ["start_audio_off"] = true,
            ["enable_prejoin_ui"] = false,
        };
        if (request.Geo is not null)
        {
            properties["geo"] = request.Geo;
        }
        var body = new JsonObject { ["name"] = request.Name, ["privacy"] = "private", ["properties"] = properties };
        var json = await SendAsync(HttpMethod.Post, "rooms", body, "create room", cancellationToken).ConfigureAwait(false);
        try
        {
            return new DailyRoom(
                json["id"]?.GetValue<string>() ?? "",
                json["name"]!.GetValue<string>(),
                new Uri(json["url"]!.GetValue<string>()),
                json["created_at"]?.GetValue<string>() is { } created
                    ? DateTimeOffset.Parse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                    : null);
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException or UriFormatException)
        {
            throw new DailyApiException(HttpStatusCode.OK, DailyErrorKind.Unknown, $"unexpected room object: {ex.Message}", "create room");
        }
    }

    /// <summary><c>POST /meeting-tokens</c>: a token valid only for <paramref name="roomName"/> until <paramref name="expiresAt"/>.</summary>
    public async Task<string> CreateMeetingTokenAsync(string roomName, DateTimeOffset expiresAt, string userName, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["room_name"] = roomName,
                ["exp"] = expiresAt.ToUnixTimeSeconds(),
                ["user_name"] = userName,
                ["is_owner"] = false,
                ["eject_at_token_exp"] = true,
                ["start_video_off"] = true,
                ["start_audio_off"] = true,
            },
        };
        var json = await SendAsync(HttpMethod.Post, "meeting-tokens", body, "create meeting token", cancellationToken).ConfigureAwait(false);
        return json["token"]?.GetValue<string>() is { Length: > 0 } token
            ? token
            : throw new DailyApiException(HttpStatusCode.OK, DailyErrorKind.Unknown, "no token in the answer", "create meeting token");
    }

    /// <summary><c>DELETE /rooms/:name</c>. True when deleted; false when Daily no longer has it (404, e.g. already expired).</summary>
    public async Task<bool> DeleteRoomAsync(string roomName, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, "rooms/" + Uri.EscapeDataString(roomName), null, "delete room", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DailyApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, string operation, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new PlatformException($"Cannot reach Daily at {BaseUrl.Host}: {ex.Message}", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new PlatformException($"Daily at {BaseUrl.Host} did not answer in time ({operation}).", ex);
            }
            using (response)
            {
                string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                JsonNode? node = TryParse(text);
                if (response.IsSuccessStatusCode)
                {
                    return node as JsonObject ?? new JsonObject();
                }
                string? error = (node as JsonObject)?["error"] is JsonValue e && e.TryGetValue(out string? s) ? s : null;
                string? info = (node as JsonObject)?["info"] is JsonValue i && i.TryGetValue(out string? t) ? t : null;
                var kind = DailyApiException.ParseKind(error, response.StatusCode);
                if (kind == DailyErrorKind.RateLimit && attempt < MaxRateLimitRetries)
                {
                    var wait = RetryAfter.Delay(response.Headers.RetryAfter, attempt + 1, _time.GetUtcNow());
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                throw new DailyApiException(response.StatusCode, kind, info, operation);
            }
        }
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
