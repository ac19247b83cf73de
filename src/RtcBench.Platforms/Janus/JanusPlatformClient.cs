using System.Text.Json;
using RtcBench.Janus;
using RtcBench.Janus.Client;
using RtcBench.Janus.Participants;

namespace RtcBench.Platforms.Janus;

/// <summary>
/// The runner side of the <c>janus</c> platform. Credentials from /connect:
/// <c>{"url", "path": "sfu"|"textroom", "room", "pin", "runner_name", "echo_name", "api_secret"?, "token"?}</c>.
/// <c>sfu</c>: we publish a data channel in the VideoRoom as <c>runner_name</c>, wait for the echo's feed and subscribe
/// to it (the echo subscribes to ours); <c>textroom</c>: we join the TextRoom as <c>runner_name</c> and wait for the
/// echo there. One channel, <c>reliable</c>: Janus relays both on reliable channels only. <c>echo</c>
/// (<c>{"url", "path": "echo", "api_secret"?, "token"?}</c>): we connect to Janus's EchoTest with a reliable and a
/// lossy channel; Janus returns each ping itself (a reflector: no net RTT). Secrets are never logged or put in a
/// message.
/// </summary>
public sealed class JanusPlatformClient : IPlatformClient
{
    public const string PlatformName = "janus";

    /// <summary>What a ping may carry: the TextRoom wraps it in JSON and Janus hands plugins at most 64 KiB.</summary>
    public const int MaxPayloadBytes = 16_000;

    /// <summary>The echo must be in the room (published, or joined) within this after we joined.</summary>
    public TimeSpan EchoTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string Name => PlatformName;

    public async Task<IReadOnlyList<IPingChannel>> JoinAsync(JsonElement credentials, PlatformJoinContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw new PlatformException("The agent's janus credentials are not an object.");
        }

        string url = ReadString(credentials, "url");
        string path = ReadString(credentials, "path");
        bool echoTest = path == "echo"; // Janus's EchoTest: no room, no echo participant
        string runner = echoTest ? "" : ReadString(credentials, "runner_name");
        string echo = echoTest ? "" : ReadString(credentials, "echo_name");
        string pin = echoTest ? "" : ReadString(credentials, "pin");
        long room = 0;
        if (!echoTest && (!credentials.TryGetProperty("room", out var roomElement) || !roomElement.TryGetInt64(out room)))
        {
            throw new PlatformException("The agent's janus credentials have no numeric 'room'.");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var janusUrl) || janusUrl.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            throw new PlatformException($"The agent's janus url '{url}' is not an http(s) or ws(s) URL.");
        }

        if (path is not ("sfu" or "textroom" or "echo"))
        {
            throw new PlatformException($"The agent set up janus path '{path}'; this runner measures sfu, textroom and echo.");
        }

        if (context.PayloadBytes > MaxPayloadBytes)
        {
            throw new PlatformException($"janus carries at most {MaxPayloadBytes} bytes per ping here; the run asks for {context.PayloadBytes}.");
        }

        var options = new JanusParticipantOptions
        {
            Client = new JanusClientOptions
            {
                Url = janusUrl,
                ApiSecret = OptionalString(credentials, "api_secret"),
                Token = OptionalString(credentials, "token"),
            },
        };
        try
        {
            string version;
            await using (var probe = await JanusClient.ConnectAsync(options.Client, cancellationToken).ConfigureAwait(false))
            {
                version = (await probe.GetInfoAsync(cancellationToken).ConfigureAwait(false)).Version;
            }

            if (echoTest)
            {
                var reliable = new JanusPingChannel(path, room, version, context.Clock, "reliable");
                var lossy = new JanusPingChannel(path, room, version, context.Clock, "lossy");
                var participant = await EchoTestDataParticipant.ConnectAsync(options, reliable, lossy, cancellationToken).ConfigureAwait(false);
                reliable.Attach(participant, lossy: false);
                lossy.Attach(participant, lossy: true);
                return [reliable, lossy];
            }

            var channel = new JanusPingChannel(path, room, version, context.Clock);
            using var echoWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (path == "sfu")
            {
                var participant = await VideoRoomDataParticipant.JoinAsync(options, room, runner, pin, channel, cancellationToken).ConfigureAwait(false);
                channel.Attach(participant);
                try
                {
                    echoWait.CancelAfter(EchoTimeout);
                    long feed = await participant.WaitForPublisherAsync(echo, echoWait.Token).ConfigureAwait(false);
                    await participant.SubscribeAsync(feed, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await channel.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
            else
            {
                var participant = await TextRoomDataParticipant.JoinAsync(options, room, runner, pin, echo, channel, cancellationToken).ConfigureAwait(false);
                channel.Attach(participant);
                try
                {
                    echoWait.CancelAfter(EchoTimeout);
                    await participant.WaitForParticipantAsync(echo, echoWait.Token).ConfigureAwait(false);
                }
                catch
                {
                    await channel.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }

            return [channel];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PlatformException($"janus: the echo '{echo}' was not in {path} room {room} within {EchoTimeout.TotalSeconds:0} s.");
        }
        catch (JanusException ex)
        {
            throw new PlatformException($"janus ({path}): {ex.Message}", ex);
        }
    }

    private static string ReadString(JsonElement credentials, string name) =>
        OptionalString(credentials, name) ?? throw new PlatformException($"The agent's janus credentials have no '{name}'.");

    private static string? OptionalString(JsonElement credentials, string name) =>
        credentials.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(element.GetString())
            ? element.GetString()
            : null;
}
