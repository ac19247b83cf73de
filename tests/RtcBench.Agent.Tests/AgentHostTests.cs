using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RtcBench.Agent.Http;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;

namespace RtcBench.Agent.Tests;

public sealed class AgentHostTests
{
    [Fact]
    public async Task StartAsync_PublicHostSet_AdvertisedInCredentials()
    {
        await using var h = await AgentHarness.StartAsync(o => o.PublicHost = "echo.example.net");
        using var response = await h.PostAsync("/connect", "{}");
        var body = await AgentHarness.ReadJsonAsync(response);
        Assert.Equal("echo.example.net", body.GetProperty("platforms").GetProperty("udp").GetProperty("host").GetString());
    }

    [Fact]
    public async Task StartAsync_WildcardWithKey_AdvertisesHostClientUsedAndEchoes()
    {
        await using var h = await AgentHarness.StartAsync(o =>
        {
            o.Listen = new IPEndPoint(IPAddress.Any, 0);
            o.ApiKey = "wildcard-test-key";
        });
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{h.Agent.BaseUrl.Port}"), Timeout = AgentHarness.Timeout };
        using (client)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", "wildcard-test-key");
            using var response = await client.PostAsync("/connect", null).WaitAsync(AgentHarness.Timeout);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await AgentHarness.ReadJsonAsync(response);
            var udp = body.GetProperty("platforms").GetProperty("udp");
            Assert.Equal("127.0.0.1", udp.GetProperty("host").GetString());
            using var echo = new UdpTestClient(new IPEndPoint(IPAddress.Loopback, udp.GetProperty("port").GetInt32()));
            await echo.PingAsync(Guid.ParseExact(body.GetProperty("room_id").GetString()!, "N"),
                Convert.FromHexString(udp.GetProperty("token").GetString()!), RunId.New(), 0);
        }
    }

    [Fact]
    public async Task StartAsync_IPv6Loopback_ServesHttpAndUdp()
    {
        await using var h = await AgentHarness.StartAsync(o => o.Listen = new IPEndPoint(IPAddress.IPv6Loopback, 0));
        Assert.Equal("[::1]", h.Agent.BaseUrl.Host);
        var room = await h.ConnectAsync();
        Assert.Equal(IPAddress.IPv6Loopback, room.Udp.Address);
        using var client = new UdpTestClient(room.Udp);
        await client.PingAsync(room.Id, room.Token, RunId.New(), 0);
    }

    [Fact]
    public async Task WaitForShutdownAsync_Cancelled_StopsAgent()
    {
        var agent = await AgentHost.StartAsync(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }).WaitAsync(AgentHarness.Timeout);
        using var cts = new CancellationTokenSource();
        var waiting = agent.WaitForShutdownAsync(cts.Token);
        Assert.False(waiting.IsCompleted);
        await cts.CancelAsync();
        await waiting.WaitAsync(AgentHarness.Timeout);
        using var http = new HttpClient { BaseAddress = agent.BaseUrl, Timeout = AgentHarness.Timeout };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/health"));
        await agent.DisposeAsync(); // idempotent
    }

    [Fact]
    public async Task ErrorHandling_UnexpectedException_Generic500WithoutDetails()
    {
        var context = NewContext(new InvalidOperationException("secret internals"));
        await new ErrorHandling(NullLogger.Instance).HandleAsync(context);
        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        string body = ReadBody(context);
        Assert.DoesNotContain("secret internals", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.Equal("application/problem+json", context.Response.ContentType);
    }

    [Fact]
    public async Task ErrorHandling_BadHttpRequest_MapsToItsStatus()
    {
        var context = NewContext(new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));
        await new ErrorHandling(NullLogger.Instance).HandleAsync(context);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, context.Response.StatusCode);
        Assert.Contains("65536", ReadBody(context), StringComparison.Ordinal);
    }

    private static DefaultHttpContext NewContext(Exception error)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider(),
        };
        context.Response.Body = new MemoryStream();
        context.Features.Set<IExceptionHandlerFeature>(new ExceptionHandlerFeature { Error = error, Path = "/connect" });
        return context;
    }

    private static string ReadBody(HttpContext context)
    {
        context.Response.Body.Position = 0;
        using var reader = new StreamReader(context.Response.Body);
        return reader.ReadToEnd();
    }
}
