using System.Text;
using System.Threading.Channels;
using RtcBench.Janus.Admin;
using RtcBench.Janus.Client;
using RtcBench.Janus.Participants;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Janus.Plugins.VideoRoom;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Tests.Participants;

/// <summary>
/// The janus platform's two relayed paths with both ends ours and Janus in the middle: a "runner" participant and an
/// "echo" participant that sends back whatever it receives, through the VideoRoom (publish + subscribe each way) and
/// the TextRoom (private messages). After a readiness probe, every message comes back once and in order; leaving
/// leaves no session in Janus.
/// </summary>
[Collection(JanusCollection.Name)]
public sealed class DataParticipantTests(JanusFixture fixture)
{
    private const int Messages = 200;
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);
    private readonly JanusServer _janus = fixture.Server;

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task VideoRoom_RunnerAndEchoPublishAndSubscribe_EveryMessageComesBackInOrder(JanusTransportKind kind)
    {
        var options = new JanusParticipantOptions { Client = _janus.ClientOptions(kind) };
        long room = await CreateRoomAsync(JanusPlugins.VideoRoom, new VideoRoomCreateRoom { Room = NewRoom(), AdminKey = _janus.Secrets.VideoRoomAdminKey, Publishers = 2 });
        var echoBack = new EchoBack();
        var inbox = new Inbox();
        await using var echo = await VideoRoomDataParticipant.JoinAsync(options, room, "echo", null, echoBack, CancellationToken.None);
        echoBack.Send = m => echo.Send(m);
        await using var runner = await VideoRoomDataParticipant.JoinAsync(options, room, "runner", null, inbox, CancellationToken.None);
        using var guard = new CancellationTokenSource(Guard);
        await echo.SubscribeAsync(await echo.WaitForPublisherAsync("runner", guard.Token), guard.Token);
        await runner.SubscribeAsync(await runner.WaitForPublisherAsync("echo", guard.Token), guard.Token);

        await ExplainedAsync(() => AssertRoundTripsAsync(m => runner.Send(m), inbox), () => $"runner feed {runner.FeedId} relay '{runner.RelayChannel}', echo feed {echo.FeedId} relay '{echo.RelayChannel}'",
            runner.Publisher, runner.Subscriber!, echo.Publisher, echo.Subscriber!);
        Assert.Equal(echo.FeedId.ToString(System.Globalization.CultureInfo.InvariantCulture), runner.RelayChannel!.Label);
        Assert.False(runner.WhenEnded.IsCompleted);
        await AssertNothingLeftAsync(runner.Session.Id, echo.Session.Id, runner, echo);
    }

    [Theory]
    [InlineData(JanusTransportKind.Http)]
    [InlineData(JanusTransportKind.WebSocket)]
    public async Task TextRoom_RunnerAndEchoWhisper_EveryMessageComesBackInOrder(JanusTransportKind kind)
    {
        var options = new JanusParticipantOptions { Client = _janus.ClientOptions(kind) };
        long room = await CreateRoomAsync(JanusPlugins.TextRoom, new TextRoomCreateRoom { Room = NewRoom(), AdminKey = _janus.Secrets.TextRoomAdminKey, Pin = "1234" });
        var echoBack = new EchoBack();
        var inbox = new Inbox();
        await using var echo = await TextRoomDataParticipant.JoinAsync(options, room, "echo", "1234", "runner", echoBack, CancellationToken.None);
        echoBack.Send = m => echo.Send(m);
        await using var runner = await TextRoomDataParticipant.JoinAsync(options, room, "runner", "1234", "echo", inbox, CancellationToken.None);
        using var guard = new CancellationTokenSource(Guard);
        await runner.WaitForParticipantAsync("echo", guard.Token);
        await echo.WaitForParticipantAsync("runner", guard.Token);

        await ExplainedAsync(() => AssertRoundTripsAsync(m => runner.Send(m), inbox), () => $"runner dropped {runner.Dropped}, echo dropped {echo.Dropped}", runner.Connection, echo.Connection);
        Assert.Equal(0, runner.Dropped);
        await AssertNothingLeftAsync(runner.Session.Id, echo.Session.Id, runner, echo);
    }

    [Fact]
    public async Task TextRoom_WrongPin_JoinRefusedWithThePluginsCode()
    {
        var options = new JanusParticipantOptions { Client = _janus.ClientOptions(JanusTransportKind.WebSocket) };
        long room = await CreateRoomAsync(JanusPlugins.TextRoom, new TextRoomCreateRoom { Room = NewRoom(), AdminKey = _janus.Secrets.TextRoomAdminKey, Pin = "1234" });
        var error = await Assert.ThrowsAsync<JanusPluginException>(() => TextRoomDataParticipant.JoinAsync(options, room, "runner", "0000", "echo", new Inbox(), CancellationToken.None));
        Assert.Equal(419, error.ErrorCode); // Unauthorized.
    }

    /// <summary>Runs <paramref name="body"/>; a failure carries our connections' state and the end of Janus's log.</summary>
    private async Task ExplainedAsync(Func<Task> body, Func<string> state, params Rtc.Peer.PeerConnection[] peers)
    {
        try
        {
            await body();
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException(_janus.Explain($"{ex}\n--- our side ---\n{state()}\n{PeerReport.Describe(peers)}"));
        }
    }

    private static long NewRoom() => Random.Shared.NextInt64(1, 1L << 40);

    private async Task<long> CreateRoomAsync(string plugin, RtcBench.Janus.Plugins.IJanusPluginRequest create)
    {
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(JanusTransportKind.Http));
        await using var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(plugin);
        var reply = await handle.SendAsync(create);
        return reply.GetInt64("room") ?? throw new InvalidOperationException("no room id");
    }

    private static async Task AssertRoundTripsAsync(Func<byte[], bool> send, Inbox inbox)
    {
        // Readiness: Janus drops what it cannot relay yet (VideoRoom, before its relay channel exists).
        string? first = null;
        for (int probe = 0; first is null && probe < 100; probe++)
        {
            Assert.True(send(Encoding.UTF8.GetBytes($"probe {probe}")));
            first = await inbox.TryNextAsync(TimeSpan.FromMilliseconds(200));
        }

        Assert.NotNull(first);
        for (int i = 0; i < Messages; i++)
        {
            Assert.True(send(Encoding.UTF8.GetBytes($"{{\"seq\":{i},\"pad\":\"\\\"quoted\\\" é\"}}")));
        }

        var received = new List<string>();
        while (received.Count < Messages)
        {
            string next = await inbox.NextAsync();
            if (!next.StartsWith("probe ", StringComparison.Ordinal))
            {
                received.Add(next);
            }
        }

        Assert.Equal(Enumerable.Range(0, Messages).Select(i => $"{{\"seq\":{i},\"pad\":\"\\\"quoted\\\" é\"}}"), received);
    }

    private async Task AssertNothingLeftAsync(long a, long b, IAsyncDisposable runner, IAsyncDisposable echo)
    {
        await runner.DisposeAsync();
        await echo.DisposeAsync();
        using var admin = new JanusAdminClient(_janus.AdminUrl, _janus.Secrets.AdminSecret);
        var sessions = await admin.ListSessionsAsync();
        Assert.DoesNotContain(a, sessions);
        Assert.DoesNotContain(b, sessions);
    }

    private sealed class EchoBack : IJanusDataReceiver
    {
        public Func<byte[], bool> Send { get; set; } = _ => false;

        public void OnData(ReadOnlySpan<byte> message, long receivedNs) => Send(message.ToArray());
    }

    private sealed class Inbox : IJanusDataReceiver
    {
        private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();

        public void OnData(ReadOnlySpan<byte> message, long receivedNs) => _messages.Writer.TryWrite(Encoding.UTF8.GetString(message));

        public Task<string> NextAsync() => _messages.Reader.ReadAsync().AsTask().WaitAsync(Guard);

        /// <summary>The next message if one comes within <paramref name="wait"/> (no read is left pending to eat a later one).</summary>
        public async Task<string?> TryNextAsync(TimeSpan wait)
        {
            using var timeout = new CancellationTokenSource(wait);
            try
            {
                await _messages.Reader.WaitToReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            return _messages.Reader.TryRead(out string? next) ? next : null;
        }
    }
}
