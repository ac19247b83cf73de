using System.Net;
using System.Text.Json;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Server.Tests;

/// <summary>
/// GET /api/events over a real Kestrel: every wait awaits the stream itself (or the hub's change signal), bounded by
/// the harness's timeout; nothing sleeps.
/// </summary>
public sealed class EventStreamTests
{
    [Fact]
    public async Task Events_RunIngested_ClientReceivesTheRunEvent()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var events = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);
        var run = RunFactory.Create([20, 21], platform: "janus", location: "us-east-1", channel: "reliable");

        await harness.PostAllAsync(run);
        var received = await events.ReadEventAsync(harness.Ct);

        Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType!.MediaType);
        Assert.True(events.Response.Headers.CacheControl is { NoCache: true, NoTransform: true });
        Assert.Equal("run", received.Event);
        Assert.Equal("1", received.Id);
        var data = JsonDocument.Parse(received.Data!).RootElement;
        Assert.Equal(run.RunId, data.GetProperty("run_id").GetString());
        Assert.Equal("janus", data.GetProperty("platform").GetString());
        Assert.Equal("us-east-1", data.GetProperty("location").GetString());
        Assert.Equal("reliable", data.GetProperty("channel").GetString());
        Assert.Equal(run.StartedAt, data.GetProperty("started_at").GetDateTimeOffset());
        Assert.Equal("/api/runs/" + run.RunId, data.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Events_SameRunPostedTwice_OnlyTheFirstStoreIsAnEvent()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var events = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);
        var first = RunFactory.Create([20]);
        var second = RunFactory.Create([30], startedAt: RunFactory.BaseTime.AddHours(1));

        await harness.PostAllAsync(first);
        using (var repeat = await harness.PostRunAsync(first))
        {
            Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        }
        await harness.PostAllAsync(second);

        Assert.Equal(first.RunId, RunId(await events.ReadEventAsync(harness.Ct)));
        var next = await events.ReadEventAsync(harness.Ct);
        Assert.Equal(second.RunId, RunId(next));   // not the repeat: it changed nothing
        Assert.Equal("2", next.Id);
    }

    [Fact]
    public async Task Events_TwoClients_EachReceivesEveryEvent()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var a = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);
        await using var b = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);
        var run = RunFactory.Create([20]);

        await harness.PostAllAsync(run);

        Assert.Equal(run.RunId, RunId(await a.ReadEventAsync(harness.Ct)));
        Assert.Equal(run.RunId, RunId(await b.ReadEventAsync(harness.Ct)));
    }

    [Fact]
    public async Task Events_Idle_HeartbeatCommentsKeepTheStreamOpen()
    {
        await using var harness = await ServerHarness.StartAsync(configure: o => o.EventHeartbeat = TimeSpan.FromMilliseconds(20));
        await using var events = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);

        var first = await events.ReadBlockAsync(harness.Ct);
        var second = await events.ReadBlockAsync(harness.Ct);

        Assert.Equal(["heartbeat"], first!.Comments);
        Assert.Null(first.Event);
        Assert.Equal(["heartbeat"], second!.Comments);
    }

    [Fact]
    public async Task Events_FirstBlock_AsksForAReconnectDelay()
    {
        await using var harness = await ServerHarness.StartAsync();
        using var http = new HttpClient { BaseAddress = harness.Server.BaseUrl };
        using var response = await http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, harness.Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(harness.Ct));

        Assert.Equal("retry: 5000", await reader.ReadLineAsync(harness.Ct));
        Assert.Equal(": connected", await reader.ReadLineAsync(harness.Ct));
        Assert.Equal("", await reader.ReadLineAsync(harness.Ct));
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
    }

    [Fact]
    public async Task Events_ClientDisconnects_ItsSubscriptionEnds()
    {
        await using var harness = await ServerHarness.StartAsync();
        var hub = harness.Server.Events;
        var events = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);
        Assert.Equal(1, hub.SubscriberCount);

        await events.DisposeAsync();
        while (true)
        {
            var changed = hub.Changed;
            if (hub.SubscriberCount == 0)
            {
                break;
            }
            await changed.WaitAsync(harness.Ct);
        }

        Assert.Equal(0, hub.SubscriberCount);
        await harness.PostAllAsync(RunFactory.Create([20]));   // publishing to nobody is fine
    }

    [Fact]
    public async Task Events_ServiceStops_StreamEndsCleanlyAndStopCompletes()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var events = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);

        var stop = harness.Server.StopAsync();
        var end = await events.ReadBlockAsync(harness.Ct);   // a broken (aborted) stream would throw instead
        await stop.WaitAsync(harness.Ct);

        Assert.Null(end);
        Assert.Equal(0, harness.Server.Events.SubscriberCount);
    }

    [Fact]
    public async Task Events_MoreClientsThanTheLimit_503ProblemDetailsWithRetryAfter()
    {
        await using var harness = await ServerHarness.StartAsync(configure: o => o.MaxEventClients = 1);
        await using var first = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);

        using var response = await harness.Client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, harness.Ct);
        var problem = await ServerHarness.ReadJsonAsync(response, harness.Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("too many clients", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Events_WithIngestToken_ReadWithoutIt()
    {
        await using var harness = await ServerHarness.StartAsync(token: "0123456789abcdef0123");
        await using var events = await EventStreamClient.OpenAsync(harness.Server.BaseUrl, harness.Ct);   // no token sent

        await harness.PostAllAsync(RunFactory.Create([20]));

        Assert.Equal("run", (await events.ReadEventAsync(harness.Ct)).Event);
    }

    [Theory]
    [InlineData(0, 1000, "EventHeartbeat")]
    [InlineData(15_000, 0, "MaxEventClients")]
    public async Task Options_BadEventSettings_RefusedAtStartNamingThem(int heartbeatMs, int maxClients, string named)
    {
        var error = await Assert.ThrowsAsync<ServerConfigurationException>(() => ServerHarness.StartAsync(configure: o =>
        {
            o.EventHeartbeat = TimeSpan.FromMilliseconds(heartbeatMs);
            o.MaxEventClients = maxClients;
        }));

        Assert.Contains(error.Problems, p => p.StartsWith(named, StringComparison.Ordinal));
    }

    private static string? RunId(SseBlock block) =>
        JsonDocument.Parse(block.Data!).RootElement.GetProperty("run_id").GetString();
}
