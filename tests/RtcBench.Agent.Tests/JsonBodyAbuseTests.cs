using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using RtcBench.Agent.Tests.Support;

namespace RtcBench.Agent.Tests;

/// <summary>
/// Every JSON endpoint of the agent against bytes a client should never send: each answer is a 4xx ProblemDetails
/// with a clear detail, and nothing is logged with a stack trace or at Error.
/// </summary>
public sealed class JsonBodyAbuseTests : IAsyncLifetime
{
    private AgentHarness _h = null!;

    public async Task InitializeAsync() => _h = await AgentHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Bodies written as Latin-1 strings so each char is one raw byte (\u00ff = the byte 0xFF).</summary>
    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "/connect", "{\"client\":\"\u00ff\"}", "not valid UTF-8" },
        { "/connect", "{\"client\":\"ab\u00c3\u0028\"}", "not valid UTF-8" },
        { "/connect", "{\"\u00ff\u00fe\":1}", "not valid UTF-8" },
        { "/connect", "{\"platforms\":[\"\u00ed\u00a0\u0080\"]}", "not valid UTF-8" },
        { "/connect", "{\"client\":\"ok\"}\u00ff", "not valid UTF-8" },
        { "/connect", "{\"client\":\"\\ud800\"}", "unpaired surrogate" },
        { "/connect", "{\"\\udc00\":1}", "unpaired surrogate" },
        { "/connect", "{\"platforms\":[\"udp\",\"\\ud83d\"]}", "unpaired surrogate" },
        { "/disconnect", "{\"room_id\":\"\u00ff\u00ff\"}", "not valid UTF-8" },
        { "/disconnect", "{\"room_id\":\"\\ud800\"}", "unpaired surrogate" },
        { "/disconnect", "{\"\u00c0\u00af\":\"x\"}", "not valid UTF-8" },
        { "/connect", "{\"ttl_seconds\":1e309}", "'ttl_seconds' must be a whole number of seconds" },
        { "/connect", "{\"ttl_seconds\":123456789012345678901234567890}", "'ttl_seconds' must be a whole number of seconds" },
        { "/connect", "{\"idle_timeout_seconds\":-99999999999999999999}", "'idle_timeout_seconds' must be a whole number of seconds" },
        { "/connect", "{\"ttl_seconds\":9223372036854775807}", "'ttl_seconds' must be between 1 and 86400" },
        { "/connect", "{\"ttl_seconds\":[60]}", "'ttl_seconds' must be a whole number of seconds, got an array" },
        { "/connect", "{\"daily_topology\":7}", "'daily_topology' must be" },
        { "/connect", "{\"platforms\":[{\"name\":\"udp\"}]}", "'platforms[0]' must be a platform name" },
        { "/connect", "null", "must be a JSON object" },
        { "/connect", "   ", "malformed JSON" },
        { "/connect", "{} {}", "malformed JSON" },
        { "/connect", "{\"client\":\"a\u0000b\"}", "malformed JSON" },
        { "/connect", "{\"client\":[[[[[[[[[[[[1]]]]]]]]]]]]}", "malformed JSON" },
        { "/disconnect", "null", "must be a JSON object" },
        { "/disconnect", "{\"room_id\":null}", "32 hexadecimal digits" },
        { "/disconnect", "{\"room_id\":\"0123456789abcdef0123456789abcdef\",\"room_id\":\"0123456789abcdef0123456789abcdef\"}", "appears more than once" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_BadJsonBody_Returns400WithDetailAndLogsNoStackTrace(string path, string latin1Body, string expected)
    {
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(latin1Body));
        content.Headers.ContentType = AgentHarness.JsonType;
        using var response = await _h.Http.PostAsync(path, content).WaitAsync(AgentHarness.Timeout);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Fact]
    public async Task Disconnect_BodyWithUtf8ByteOrderMark_IsRead()
    {
        var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. "{\"room_id\":\"0123456789abcdef0123456789abcdef\"}"u8]);
        content.Headers.ContentType = AgentHarness.JsonType;
        using var response = await _h.Http.PostAsync("/disconnect", content).WaitAsync(AgentHarness.Timeout);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("0123456789abcdef0123456789abcdef", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_UnknownPlatformWithHugeName_DetailStaysShort()
    {
        string name = new('p', 60_000);
        using var response = await _h.PostAsync("/connect", "{\"platforms\":[\"" + name + "\"]}");
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("unknown platform 'ppp", detail, StringComparison.Ordinal);
        Assert.True(detail.Length < 400, $"detail of {detail.Length} characters");
    }

    [Theory]
    [InlineData("/connect", "text/plain")]
    [InlineData("/connect", "application/x-www-form-urlencoded")]
    [InlineData("/disconnect", "text/plain")]
    [InlineData("/disconnect", "multipart/form-data; boundary=x")]
    [InlineData("/disconnect", null)]
    public async Task Post_NonJsonContentType_Returns415(string path, string? contentType)
    {
        var content = new ByteArrayContent("{\"room_id\":\"0123456789abcdef0123456789abcdef\"}"u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await _h.Http.PostAsync(path, content).WaitAsync(AgentHarness.Timeout);
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", detail, StringComparison.Ordinal);
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Theory]
    [InlineData("/connect")]
    [InlineData("/disconnect")]
    public async Task Post_BodyOver64KiB_Returns413(string path)
    {
        using var response = await _h.PostAsync(path, "{\"room_id\":\"" + new string('0', 70_000) + "\"}");
        await AgentHarness.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Theory]
    [InlineData("/connect")]
    [InlineData("/disconnect")]
    public async Task Post_BodyShorterThanContentLength_OneLineAndNoStackTrace(string path)
    {
        int reads = _h.Logs.BodyReads;
        using var raw = await RawHttpClient.ConnectAsync(_h.Agent.BaseUrl);
        await raw.SendHeadAsync("POST", path, ["Content-Type: application/json", "Content-Length: 100"], "{\"room_id\":");
        await _h.Logs.BodyReadStartedAsync(reads + 1);
        raw.ShutdownSend();
        var fault = await _h.Logs.ClientFaultOrFailureAsync();
        Assert.Equal("RtcBench.Agent", fault.Category);
        Assert.Matches("ended before its Content-Length|aborted", fault.Message);
        _h.Logs.AssertNoStackTraceOrError();
    }
}
