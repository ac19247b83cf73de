using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Tests.Client;

/// <summary>
/// The client's failure paths against a real Janus started for each test (its own configuration): an API secret,
/// a short session timeout, Janus killed mid-session, Janus gone at connect, and a URL that is not Janus's API.
/// Each ends with a typed error or session end, never a hang.
/// </summary>
public sealed class JanusClientFailureTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task ApiSecret_MissingOrWrongIsRefused403_RightOneWorksIncludingEvents(JanusTransportKind kind)
    {
        string secret = JanusSecrets.New();
        await using var janus = await JanusServer.StartAsync(new JanusServerOptions { ApiSecret = secret });
        foreach (string? wrong in new[] { null, JanusSecrets.New() })
        {
            await using var refused = await JanusClient.ConnectAsync(new JanusClientOptions { Url = janus.Url(kind), ApiSecret = wrong });
            var error = await Assert.ThrowsAsync<JanusApiException>(() => refused.CreateSessionAsync());
            Assert.Equal((JanusErrorCode.Unauthorized, 403), (error.Code, error.RawCode));
            Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        }

        await using var client = await JanusClient.ConnectAsync(janus.ClientOptions(kind));
        Assert.True((await client.GetInfoAsync()).ApiSecretRequired);
        await using var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(JanusPlugins.TextRoom);
        // An asynchronous request: its event comes by the long-poll on HTTP, which must carry the secret too.
        var offer = await handle.SendAsync(new TextRoomSetup());
        Assert.True(offer.Jsep is { IsOffer: true });
        Assert.False(session.IsEnded);
    }

    [Fact]
    public async Task SessionTimeout_NoKeepaliveOverWebSocket_SessionEndsTimedOutAndItsHandleIsGone()
    {
        await using var janus = await JanusServer.StartAsync(new JanusServerOptions { SessionTimeoutSeconds = 2 });
        await using var client = await JanusClient.ConnectAsync(new JanusClientOptions { Url = janus.WebSocketUrl, KeepaliveInterval = TimeSpan.Zero });
        var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(JanusPlugins.EchoTest);
        var end = await session.WhenEnded.WaitAsync(Guard); // Janus's own timer ends it: the guard is only a hang guard.
        Assert.Equal(JanusSessionEndKind.TimedOut, end.Kind);
        // Janus detaches the handle as it drops the session: its 'detached' event or our session end tells the handle.
        string gone = await handle.WhenDetached.WaitAsync(Guard);
        Assert.True(gone is "detached by Janus" || gone.StartsWith("session ended: TimedOut", StringComparison.Ordinal), gone);
        var afterwards = await Assert.ThrowsAsync<JanusSessionEndedException>(() => session.AttachAsync(JanusPlugins.EchoTest));
        Assert.Equal(JanusSessionEndKind.TimedOut, afterwards.End.Kind);
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task JanusKilled_MidSession_SessionEndsTransportLostAndAPendingRequestFails(JanusTransportKind kind)
    {
        await using var janus = await JanusServer.StartAsync();
        await using var client = await JanusClient.ConnectAsync(janus.ClientOptions(kind));
        var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(JanusPlugins.EchoTest);

        await janus.KillAsync();
        var end = await session.WhenEnded.WaitAsync(Guard);
        Assert.Equal(JanusSessionEndKind.TransportLost, end.Kind);
        Assert.Contains(kind == JanusTransportKind.Http ? "long-poll failed" : "WebSocket", end.Reason, StringComparison.Ordinal);
        Assert.StartsWith("session ended: TransportLost", await handle.WhenDetached.WaitAsync(Guard), StringComparison.Ordinal);

        // Janus is down now: connecting again fails with a transport error, not a hang.
        if (kind == JanusTransportKind.WebSocket)
        {
            await Assert.ThrowsAsync<JanusTransportException>(() => JanusClient.ConnectAsync(janus.ClientOptions(kind)));
        }
        else
        {
            await using var again = await JanusClient.ConnectAsync(janus.ClientOptions(kind));
            var down = await Assert.ThrowsAsync<JanusTransportException>(() => again.CreateSessionAsync());
            Assert.Equal(0, down.HttpStatus);
        }
    }

    [Fact]
    public async Task Url_NotTheJanusApi_TransportErrorWithTheHttpStatus()
    {
        await using var janus = await JanusServer.StartAsync();
        await using var client = await JanusClient.ConnectAsync(new JanusClientOptions { Url = new Uri($"http://{janus.ServerAddress}:{janus.Ports.Http}/not-janus") });
        var error = await Assert.ThrowsAsync<JanusTransportException>(() => client.CreateSessionAsync());
        Assert.Equal(404, error.HttpStatus);
        var ws = await Assert.ThrowsAsync<JanusTransportException>(() => JanusClient.ConnectAsync(new JanusClientOptions { Url = new Uri($"ws://{janus.ServerAddress}:{janus.Ports.Http}/janus") }));
        Assert.NotEqual(0, ws.HttpStatus); // The REST port does not upgrade to Janus's WebSocket protocol.
    }
}
