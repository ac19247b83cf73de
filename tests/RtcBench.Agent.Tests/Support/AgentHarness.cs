using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RtcBench.Agent.Tests.Support;

/// <summary>A real agent on 127.0.0.1:0 with an HttpClient pointed at it.</summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private AgentHarness(RunningAgent agent, HttpClient http, CapturedLogs logs)
    {
        Agent = agent;
        Http = http;
        Logs = logs;
    }

    /// <summary>Everything the agent logged (ASP.NET Core and Kestrel included).</summary>
    public CapturedLogs Logs { get; }

    public RunningAgent Agent { get; }

    public HttpClient Http { get; }

    public static async Task<AgentHarness> StartAsync(Action<AgentOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) };
        configure?.Invoke(options);
        var logs = new CapturedLogs();
        var agent = await AgentHost.StartAsync(options, logs, time ?? TimeProvider.System, CancellationToken.None).WaitAsync(Timeout);
        var http = new HttpClient { BaseAddress = agent.BaseUrl, Timeout = Timeout };
        if (options.ApiKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", options.ApiKey);
        }
        return new AgentHarness(agent, http, logs);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> PostAsync(string path, string? json) =>
        await Http.PostAsync(path, json is null ? null : Json(json)).WaitAsync(Timeout);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    /// <summary>POST /connect and return the room id, udp token and udp endpoint.</summary>
    public async Task<Room> ConnectAsync(string json = "{}")
    {
        using var response = await PostAsync("/connect", json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        var udp = body.GetProperty("platforms").GetProperty("udp");
        return new Room(
            Guid.ParseExact(body.GetProperty("room_id").GetString()!, "N"),
            Convert.FromHexString(udp.GetProperty("token").GetString()!),
            new IPEndPoint(IPAddress.Parse(udp.GetProperty("host").GetString()!), udp.GetProperty("port").GetInt32()),
            body);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>Asserts a ProblemDetails answer with the status and a detail, and returns the detail.</summary>
    public static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await ReadJsonAsync(response);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        string detail = body.GetProperty("detail").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(detail));
        // No stack trace or exception type leaks to the client.
        Assert.DoesNotMatch(@"\bat [A-Za-z_][\w.`]+\(", detail);
        Assert.DoesNotContain("Exception", detail, StringComparison.Ordinal);
        return detail;
    }

    public static MediaTypeHeaderValue JsonType { get; } = new("application/json");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Agent.DisposeAsync().AsTask().WaitAsync(Timeout);
    }

    public sealed record Room(Guid Id, byte[] Token, IPEndPoint Udp, JsonElement Body);
}
