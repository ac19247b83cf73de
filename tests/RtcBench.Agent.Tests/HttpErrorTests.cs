using System.Net;
using System.Text;
using RtcBench.Agent.Tests.Support;

namespace RtcBench.Agent.Tests;

public sealed class HttpErrorTests : IAsyncLifetime
{
    private AgentHarness _h = null!;

    public async Task InitializeAsync() => _h = await AgentHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData("{\"platforms\": [", "malformed JSON at line 1")]
    [InlineData("{\"ttl_seconds\": 60,}", "malformed JSON at line 1")]
    [InlineData("{\n\"ttl_seconds\": x}", "malformed JSON at line 2")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("\"udp\"", "must be a JSON object")]
    [InlineData("{\"ttl_seconds\":\"600\"}", "'ttl_seconds' must be a whole number of seconds")]
    [InlineData("{\"ttl_seconds\":1.5}", "'ttl_seconds' must be a whole number of seconds")]
    [InlineData("{\"ttl_seconds\":0}", "'ttl_seconds' must be between 1 and 86400")]
    [InlineData("{\"ttl_seconds\":86401}", "'ttl_seconds' must be between 1 and 86400")]
    [InlineData("{\"idle_timeout_seconds\":5}", "'idle_timeout_seconds' must be between 10 and 86400")]
    [InlineData("{\"idle_timeout_seconds\":true}", "'idle_timeout_seconds' must be a whole number of seconds")]
    [InlineData("{\"platforms\":\"udp\"}", "'platforms' must be an array")]
    [InlineData("{\"platforms\":[]}", "'platforms' must name at least one platform")]
    [InlineData("{\"platforms\":[7]}", "'platforms[0]' must be a platform name")]
    [InlineData("{\"platforms\":[\"x\"]}", "unknown platform 'x'; this agent offers: udp")]
    [InlineData("{\"platforms\":[\"udp\",\"livekit\"]}", "platform 'livekit' is not enabled on this agent; this agent offers: udp")]
    [InlineData("{\"platforms\":[\"udp\",\"zoom\"]}", "unknown platform 'zoom'; this agent offers: udp")]
    [InlineData("{\"client\":42}", "'client' must be a string")]
    [InlineData("{\"ttl\":60}", "unknown field 'ttl'")]
    [InlineData("{\"ttl_seconds\":60,\"ttl_seconds\":70}", "appears more than once")]
    public async Task Connect_BadBody_Returns400ProblemWithDetail(string body, string expected)
    {
        using var response = await _h.PostAsync("/connect", body);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_BodyOver64KiB_Returns413()
    {
        string big = "{\"client\":\"" + new string('x', 70_000) + "\"}";
        using var response = await _h.PostAsync("/connect", big);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("65536", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ChunkedBodyOver64KiB_Returns413()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"client\":\"" + new string('x', 70_000) + "\"}")));
        content.Headers.ContentType = AgentHarness.JsonType;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _h.Http.SendAsync(request).WaitAsync(AgentHarness.Timeout);
        await AgentHarness.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Connect_TextPlainBody_Returns415()
    {
        using var response = await _h.Http.PostAsync("/connect", new StringContent("{}", Encoding.UTF8, "text/plain")).WaitAsync(AgentHarness.Timeout);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_EmptyBodyWithoutContentType_CreatesRoomOnAllPlatforms()
    {
        using var response = await _h.Http.PostAsync("/connect", null).WaitAsync(AgentHarness.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await AgentHarness.ReadJsonAsync(response);
        Assert.True(body.GetProperty("platforms").TryGetProperty("udp", out _));
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        using var response = await _h.Http.GetAsync("/nope").WaitAsync(AgentHarness.Timeout);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("/nope", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/connect")]
    [InlineData("PUT", "/disconnect")]
    [InlineData("DELETE", "/health")]
    [InlineData("POST", "/rooms")]
    public async Task WrongMethod_Returns405Problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await _h.Http.SendAsync(request).WaitAsync(AgentHarness.Timeout);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
        Assert.Contains(method, detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "'room_id'")]
    [InlineData("{}", "'room_id' is required")]
    [InlineData("{\"room_id\":\"not-a-room\"}", "32 hexadecimal digits")]
    [InlineData("{\"room_id\":5}", "32 hexadecimal digits")]
    [InlineData("{\"room_id\":\"0123456789abcdef0123456789abcdef\",\"x\":1}", "unknown field 'x'")]
    [InlineData("{\"room_id\":", "malformed JSON")]
    public async Task Disconnect_BadBody_Returns400(string? body, string expected)
    {
        using var response = await _h.PostAsync("/disconnect", body);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disconnect_UnknownRoom_Returns404()
    {
        using var response = await _h.PostAsync("/disconnect", "{\"room_id\":\"" + Guid.NewGuid().ToString("N") + "\"}");
        await AgentHarness.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Disconnect_TwiceForSameRoom_SecondReturns404()
    {
        var room = await _h.ConnectAsync();
        string body = "{\"room_id\":\"" + room.Id.ToString("N") + "\"}";
        using (var first = await _h.PostAsync("/disconnect", body))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var json = await AgentHarness.ReadJsonAsync(first);
            Assert.Equal(room.Id.ToString("N"), json.GetProperty("room_id").GetString());
            Assert.True(json.GetProperty("closed").GetBoolean());
        }
        using var second = await _h.PostAsync("/disconnect", body);
        await AgentHarness.AssertProblemAsync(second, HttpStatusCode.NotFound);
    }
}
