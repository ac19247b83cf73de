using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RtcBench.Runner;

/// <summary>
/// HTTP client for the echo agent's API (<c>/health</c>, <c>/connect</c>, <c>/disconnect</c>). Errors become
/// <see cref="RunnerException"/>s with one clear line that quotes the agent's ProblemDetails when there is one.
/// The API key is sent in <c>X-Api-Key</c> and never appears in a message.
/// </summary>
public sealed class AgentClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);
    private readonly HttpClient _http;
    private readonly Uri _baseUrl;

    public AgentClient(Uri baseUrl, string? apiKey, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        _baseUrl = baseUrl;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseUrl;
        _http.Timeout = RequestTimeout;
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(apiKey))
        {
            _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
    }

    public async Task<AgentHealth> HealthAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "health", null, cancellationToken).ConfigureAwait(false);
        var body = await ReadJsonAsync(response, "health", cancellationToken).ConfigureAwait(false);
        string status = body["status"]?.GetValue<string>() ?? "";
        var platforms = body["platforms"] is JsonArray array
            ? array.Select(p => p?.GetValue<string>() ?? "").Where(p => p.Length > 0).ToList()
            : [];
        if (status != "ok")
        {
            throw new RunnerException(RunnerFailure.AgentUnreachable, $"The agent at {_baseUrl} is not healthy (status '{status}').");
        }
        return new AgentHealth(status, body["version"]?.GetValue<string>(), platforms);
    }

    /// <summary>Creates a room with the given platforms for at least <paramref name="ttl"/>.</summary>
    public async Task<AgentConnection> ConnectAsync(
        IReadOnlyList<string> platforms, TimeSpan ttl, TimeSpan idleTimeout, CancellationToken cancellationToken, string? dailyTopology = null,
        string? janusPath = null)
    {
        var request = new JsonObject
        {
            ["platforms"] = new JsonArray(platforms.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
            ["ttl_seconds"] = (int)Math.Ceiling(ttl.TotalSeconds),
            ["idle_timeout_seconds"] = (int)Math.Ceiling(idleTimeout.TotalSeconds),
            ["client"] = "rtcbench-runner",
        };
        if (dailyTopology is not null && platforms.Contains("daily"))
        {
            request["daily_topology"] = dailyTopology;
        }
        if (janusPath is not null && platforms.Contains("janus"))
        {
            request["janus_path"] = janusPath;
        }
        using var response = await SendAsync(HttpMethod.Post, "connect", request, cancellationToken).ConfigureAwait(false);
        var body = await ReadJsonAsync(response, "connect", cancellationToken).ConfigureAwait(false);
        try
        {
            string roomId = body["room_id"]!.GetValue<string>();
            var expiresAt = DateTimeOffset.Parse(body["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            var credentials = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (body["platforms"] is JsonObject map)
            {
                foreach (var (name, node) in map)
                {
                    credentials[name] = JsonSerializer.SerializeToElement(node);
                }
            }
            return new AgentConnection(
                roomId,
                expiresAt,
                body["agent"]?["version"]?.GetValue<string>(),
                body["agent"]?["location"]?.GetValue<string>(),
                credentials);
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException or JsonException)
        {
            throw new RunnerException(RunnerFailure.AgentRejected, $"The agent's /connect answer is not what RtcBench expects: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Asks the agent, within <paramref name="timeout"/>, whether it still hosts <paramref name="roomId"/>: <c>GET /health</c>,
    /// then <c>GET /rooms</c>. Refused or reset connections, error answers and a missing room are
    /// <see cref="EchoHostState.Gone"/>; no answer in time is <see cref="EchoHostState.Unknown"/>. Never throws
    /// (cancellation of <paramref name="cancellationToken"/> excepted).
    /// </summary>
    public async Task<EchoHostCheck> CheckEchoHostAsync(string roomId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string step = "GET /health";
        try
        {
            using (var health = await _http.GetAsync("health", deadline.Token).ConfigureAwait(false))
            {
                if (!health.IsSuccessStatusCode)
                {
                    return new EchoHostCheck(EchoHostState.Gone, $"{step} answered {(int)health.StatusCode} {health.ReasonPhrase}".TrimEnd());
                }
            }
            step = "GET /rooms";
            using var rooms = await _http.GetAsync("rooms", deadline.Token).ConfigureAwait(false);
            if (!rooms.IsSuccessStatusCode)
            {
                // An agent that lists no rooms to us (e.g. another key) still answered: it is alive, the room unknown.
                return new EchoHostCheck(EchoHostState.Present, $"the agent answers /health ({step} answered {(int)rooms.StatusCode})");
            }
            string text = await rooms.Content.ReadAsStringAsync(deadline.Token).ConfigureAwait(false);
            if (!TryFindRoom(text, roomId, out bool present))
            {
                return new EchoHostCheck(EchoHostState.Present, $"the agent answers /health ({step} unreadable)");
            }
            return present
                ? new EchoHostCheck(EchoHostState.Present, "the agent answers and still has the room")
                : new EchoHostCheck(EchoHostState.Gone, $"the agent no longer has room {roomId} ({step})");
        }
        catch (HttpRequestException ex)
        {
            return new EchoHostCheck(EchoHostState.Gone, $"{step} failed: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new EchoHostCheck(EchoHostState.Unknown, $"{step} did not answer within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Whether a <c>GET /rooms</c> body lists <paramref name="roomId"/>; false when the body is not that shape.</summary>
    private static bool TryFindRoom(string body, string roomId, out bool present)
    {
        present = false;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject root || root["rooms"] is not JsonArray list)
            {
                return false;
            }
            foreach (var room in list)
            {
                if (room is JsonObject entry && entry["room_id"] is JsonValue id && id.TryGetValue(out string? value) && value == roomId)
                {
                    present = true;
                }
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Closes the room. Never throws: a room that cannot be closed expires on the agent anyway.</summary>
    public async Task<bool> DisconnectAsync(string roomId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Post, "disconnect", new JsonObject { ["room_id"] = roomId }, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is RunnerException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        try
        {
            return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RunnerException(RunnerFailure.AgentUnreachable, $"Cannot reach the agent at {_baseUrl}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RunnerException(RunnerFailure.AgentUnreachable, $"The agent at {_baseUrl} did not answer within {RequestTimeout.TotalSeconds:0} s.", ex);
        }
    }

    private async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? node = null;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // handled below
        }
        if (!response.IsSuccessStatusCode)
        {
            string detail = node?["detail"]?.GetValue<string>() ?? node?["title"]?.GetValue<string>() ?? response.ReasonPhrase ?? "";
            var failure = response.StatusCode == HttpStatusCode.NotFound && what == "health"
                ? RunnerFailure.AgentUnreachable
                : RunnerFailure.AgentRejected;
            string hint = response.StatusCode == HttpStatusCode.Unauthorized ? " (set --api-key or RTCBENCH_AGENT_KEY)" : "";
            throw new RunnerException(failure, $"The agent refused /{what}: {(int)response.StatusCode} {detail}{hint}".TrimEnd());
        }
        if (node is not JsonObject obj)
        {
            throw new RunnerException(RunnerFailure.AgentUnreachable, $"{_baseUrl} answered /{what} with something that is not an RtcBench agent's JSON.");
        }
        return obj;
    }

    public void Dispose() => _http.Dispose();
}
