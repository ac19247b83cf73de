using System.Net;
using Microsoft.Extensions.Logging;
using RtcBench.Agent.Tests.Support;

namespace RtcBench.Agent.Tests;

/// <summary>
/// Nobody without a key (or, for the direct offer, a room and its token) can hold a body read open or make the agent
/// log: the authorisation is decided from the headers, before any body byte. A client fault by an authorised client
/// (a slow or aborted body) costs one log line at most and never a stack trace; the body read is bounded in time.
/// </summary>
public sealed class DirectSignalAbuseTests : IAsyncLifetime
{
    private const string Key = "abuse-test-key-0123456789";
    private AgentHarness _h = null!;

    public async Task InitializeAsync() =>
        _h = await AgentHarness.StartAsync(o =>
        {
            o.ApiKey = Key;
            o.RequestBodyTimeout = TimeSpan.FromMilliseconds(500);
        });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<(string SignalUrl, string Token)> DirectRoomAsync()
    {
        var room = await _h.ConnectAsync("{\"platforms\":[\"udp\",\"direct\"]}");
        var direct = room.Body.GetProperty("platforms").GetProperty("direct");
        return (direct.GetProperty("signal_url").GetString()!, direct.GetProperty("token").GetString()!);
    }

    /// <summary>Sends the head of a POST whose 5,000-byte body never comes, and reads the answer.</summary>
    private async Task<(int Status, string Body)> PostWithoutBodyAsync(string path, params string[] headers)
    {
        using var raw = await RawHttpClient.ConnectAsync(_h.Agent.BaseUrl);
        await raw.SendHeadAsync("POST", path, [.. headers, "Content-Length: 5000"], "v=0\r\n");
        return await raw.ReadResponseAsync();
    }

    private int VisibleLines() => _h.Logs.Visible.Count;

    [Fact]
    public async Task Offer_UnknownRoomWithStalledBody_404FromHeadersAloneAndNothingLogged()
    {
        int before = VisibleLines();
        var (status, body) = await PostWithoutBodyAsync(
            $"/direct/{Guid.NewGuid():N}/offer", "Content-Type: application/sdp", "Authorization: Bearer 00112233445566778899aabbccddeeff");
        // Answered while the body is still owed: the agent never waited for it (that would be a 408).
        Assert.Equal(404, status);
        Assert.Contains("is not open on this agent", body, StringComparison.Ordinal);
        Assert.Equal(before, VisibleLines());
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic abc")]
    public async Task Offer_OpenRoomWithoutItsTokenAndStalledBody_401FromHeadersAlone(string? authorization)
    {
        var (url, _) = await DirectRoomAsync();
        string[] headers = authorization is null
            ? ["Content-Type: application/sdp"]
            : ["Content-Type: application/sdp", "Authorization: " + authorization];
        var (status, body) = await PostWithoutBodyAsync(url, headers);
        Assert.Equal(401, status);
        Assert.Contains("room's token", body, StringComparison.Ordinal);
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Theory]
    [InlineData("/connect")]
    [InlineData("/disconnect")]
    public async Task JsonEndpoint_NoKeyAndStalledBody_401FromHeadersAlone(string path)
    {
        var (status, _) = await PostWithoutBodyAsync(path, "Content-Type: application/json");
        Assert.Equal(401, status);
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Fact]
    public async Task Offer_ValidTokenStalledBody_408AfterBodyTimeoutWithOneLine()
    {
        var (url, token) = await DirectRoomAsync();
        int before = VisibleLines();
        var (status, body) = await PostWithoutBodyAsync(url, "Content-Type: application/sdp", "Authorization: Bearer " + token);
        Assert.Equal(408, status);
        Assert.Contains("did not arrive within 0.5 s", body, StringComparison.Ordinal);
        var lines = _h.Logs.Visible.Skip(before).ToList();
        Assert.True(lines.Count == 1, string.Join(" | ", lines));
        var line = Assert.Single(lines);
        Assert.Equal(("RtcBench.Agent", 17), (line.Category, line.EventId));
        Assert.DoesNotContain(token, line.Message, StringComparison.Ordinal);
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Theory]
    [InlineData("/connect")]
    [InlineData("/disconnect")]
    public async Task JsonEndpoint_KeyAndStalledBody_408AfterBodyTimeoutWithOneLine(string path)
    {
        int before = VisibleLines();
        var (status, body) = await PostWithoutBodyAsync(path, "Content-Type: application/json", "X-Api-Key: " + Key);
        Assert.Equal(408, status);
        Assert.Contains("did not arrive within", body, StringComparison.Ordinal);
        Assert.Single(_h.Logs.Visible.Skip(before));
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Fact]
    public async Task Offer_ValidTokenAbortedBody_OneLineNoStackTrace()
    {
        var (url, token) = await DirectRoomAsync();
        int reads = _h.Logs.BodyReads;
        using (var raw = await RawHttpClient.ConnectAsync(_h.Agent.BaseUrl))
        {
            await raw.SendHeadAsync("POST", url, ["Content-Type: application/sdp", "Authorization: Bearer " + token, "Content-Length: 5000"], "v=0\r\n");
            await _h.Logs.BodyReadStartedAsync(reads + 1);
            raw.Abort();
        }
        var fault = await _h.Logs.ClientFaultOrFailureAsync();
        Assert.Equal(LogLevel.Information, fault.Level);
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Fact]
    public async Task Offer_ValidTokenWrongContentType_415BeforeBody()
    {
        var (url, token) = await DirectRoomAsync();
        var (status, body) = await PostWithoutBodyAsync(url, "Content-Type: text/plain", "Authorization: Bearer " + token);
        Assert.Equal(415, status);
        Assert.Contains("application/sdp", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offer_ValidTokenInvalidUtf8_400()
    {
        var (url, token) = await DirectRoomAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent([(byte)'v', (byte)'=', 0xff, 0xfe]) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/sdp");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await _h.Http.SendAsync(request).WaitAsync(AgentHarness.Timeout);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("UTF-8", detail, StringComparison.Ordinal);
    }
}
