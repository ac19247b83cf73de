using System.Net;
using System.Net.Http.Headers;
using RtcBench.Agent.Tests.Support;

namespace RtcBench.Agent.Tests;

public sealed class AuthTests : IAsyncLifetime, IDisposable
{
    private const string Key = "k3y-for-tests-0123456789";
    private AgentHarness _h = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _h = await AgentHarness.StartAsync(o => o.ApiKey = Key);
        _anonymous = new HttpClient { BaseAddress = _h.Agent.BaseUrl, Timeout = AgentHarness.Timeout };
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public void Dispose() => _anonymous.Dispose();

    [Theory]
    [InlineData("POST", "/connect")]
    [InlineData("POST", "/disconnect")]
    [InlineData("GET", "/rooms")]
    [InlineData("GET", "/nope")]
    public async Task Request_WithoutKey_Returns401Problem(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await _anonymous.SendAsync(request).WaitAsync(AgentHarness.Timeout);
        await AgentHarness.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Api-Key", "wrong")]
    [InlineData("X-Api-Key", Key + "x")]
    [InlineData("Authorization", "Bearer wrong")]
    [InlineData("Authorization", "Basic " + Key)]
    public async Task Request_WithWrongKey_Returns401(string header, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/rooms");
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await _anonymous.SendAsync(request).WaitAsync(AgentHarness.Timeout);
        await AgentHarness.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Request_WithApiKeyHeader_IsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/rooms");
        request.Headers.Add("X-Api-Key", Key);
        using var response = await _anonymous.SendAsync(request).WaitAsync(AgentHarness.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_WithBearerKey_IsServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var response = await _anonymous.SendAsync(request).WaitAsync(AgentHarness.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_WithoutKey_IsServed()
    {
        using var response = await _anonymous.GetAsync("/health").WaitAsync(AgentHarness.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await AgentHarness.ReadJsonAsync(response);
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }
}
