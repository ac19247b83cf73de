using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Tests.EndToEnd;

/// <summary>The agent's HTTP API with the janus platform on, against a real Janus: /health, /connect (janus_path), /rooms, /disconnect.</summary>
public sealed class JanusAgentApiTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Connect_SfuRoom_CredentialsWithoutTheRoomSecretDetailsInRoomsAndNothingLeftAfterDisconnect()
    {
        await using var janus = await JanusServer.StartAsync(new JanusServerOptions { ApiSecret = JanusSecrets.New() });
        await using var deployment = await JanusDeployment.StartAsync(janus, JanusTransportKind.Http);
        using var http = new HttpClient { BaseAddress = deployment.Agent.BaseUrl, Timeout = Guard };

        var health = await http.GetFromJsonAsync<JsonElement>("health");
        Assert.Contains("janus", health.GetProperty("platforms").EnumerateArray().Select(p => p.GetString()));

        using var connect = await http.PostAsync("connect", Json("""{"platforms":["janus"],"janus_path":"sfu"}"""));
        string body = await connect.Content.ReadAsStringAsync();
        Assert.True(connect.StatusCode == HttpStatusCode.OK, body);
        var answer = JsonDocument.Parse(body).RootElement;
        var creds = answer.GetProperty("platforms").GetProperty("janus");
        Assert.Equal(["url", "path", "room", "pin", "runner_name", "echo_name", "api_secret"], creds.EnumerateObject().Select(p => p.Name));
        Assert.Equal((janus.HttpUrl.AbsoluteUri, "sfu", janus.Options.ApiSecret), (creds.GetProperty("url").GetString(), creds.GetProperty("path").GetString(), creds.GetProperty("api_secret").GetString()));
        Assert.DoesNotContain(janus.Secrets.VideoRoomAdminKey, body, StringComparison.Ordinal);

        var rooms = await http.GetFromJsonAsync<JsonElement>("rooms");
        var details = rooms.GetProperty("rooms")[0].GetProperty("details").GetProperty("janus");
        Assert.Equal(("sfu", creds.GetProperty("room").GetInt64(), "open"), (details.GetProperty("path").GetString(), details.GetProperty("janus_room").GetInt64(), details.GetProperty("room_state").GetString()));
        Assert.Equal("published; waiting for the runner", details.GetProperty("echo").GetString());

        using var disconnect = await http.PostAsync("disconnect", Json($$"""{"room_id":"{{answer.GetProperty("room_id").GetString()}}"}"""));
        Assert.Equal(HttpStatusCode.OK, disconnect.StatusCode);
        await deployment.AssertNothingLeftAsync(TimeSpan.FromSeconds(30), RtcBench.Janus.Plugins.JanusPlugins.VideoRoom, creds.GetProperty("room").GetInt64());
    }

    [Fact]
    public async Task Connect_EchoPath_OnlyTheUrlNoRoomAndHealthAndRoomsShowIt()
    {
        await using var janus = await JanusServer.StartAsync();
        await using var deployment = await JanusDeployment.StartAsync(janus, JanusTransportKind.WebSocket);
        using var http = new HttpClient { BaseAddress = deployment.Agent.BaseUrl, Timeout = Guard };
        using var connect = await http.PostAsync("connect", Json("""{"platforms":["janus"],"janus_path":"echo"}"""));
        string body = await connect.Content.ReadAsStringAsync();
        Assert.True(connect.StatusCode == HttpStatusCode.OK, body);
        var answer = JsonDocument.Parse(body).RootElement;
        var creds = answer.GetProperty("platforms").GetProperty("janus");
        Assert.Equal(["url", "path"], creds.EnumerateObject().Select(p => p.Name));
        Assert.Equal((janus.WebSocketUrl.AbsoluteUri, "echo"), (creds.GetProperty("url").GetString(), creds.GetProperty("path").GetString()));

        var details = (await http.GetFromJsonAsync<JsonElement>("rooms")).GetProperty("rooms")[0].GetProperty("details").GetProperty("janus");
        Assert.Equal("echo", details.GetProperty("path").GetString());
        Assert.StartsWith("Janus's EchoTest answers", details.GetProperty("echo").GetString(), StringComparison.Ordinal);
        var health = (await http.GetFromJsonAsync<JsonElement>("health")).GetProperty("janus");
        Assert.Equal((janus.WebSocketUrl.AbsoluteUri, 1, 1L, 0L), (health.GetProperty("url").GetString(), health.GetProperty("rooms_open").GetInt32(), health.GetProperty("rooms_created").GetInt64(), health.GetProperty("setup_failures").GetInt64()));

        using var disconnect = await http.PostAsync("disconnect", Json($$"""{"room_id":"{{answer.GetProperty("room_id").GetString()}}"}"""));
        Assert.Equal(HttpStatusCode.OK, disconnect.StatusCode);
        Assert.Equal(0, (await http.GetFromJsonAsync<JsonElement>("health")).GetProperty("janus").GetProperty("rooms_open").GetInt32());
        await deployment.AssertNothingLeftAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("""{"platforms":["janus"],"janus_path":"mesh"}""", HttpStatusCode.BadRequest, "'janus_path' must be")]
    public async Task Connect_UnusableJanusPath_ClearError(string request, HttpStatusCode status, string reason)
    {
        await using var janus = await JanusServer.StartAsync();
        await using var deployment = await JanusDeployment.StartAsync(janus, JanusTransportKind.WebSocket);
        using var http = new HttpClient { BaseAddress = deployment.Agent.BaseUrl, Timeout = Guard };
        using var response = await http.PostAsync("connect", Json(request));
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, body, StringComparison.Ordinal);
        await deployment.AssertNothingLeftAsync(TimeSpan.FromSeconds(30));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
