using System.Text.Json;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;

namespace RtcBench.Platforms.LiveKit;

/// <summary>
/// The runner side of the <c>livekit</c> platform. Credentials from /connect:
/// <c>{"url": "wss://….livekit.cloud", "token": "&lt;JWT&gt;", "echo_identity": "echo-…", "room": "bench-…"}</c>. We join
/// as a data-only participant (our own client over our WebRTC stack, v0 signalling with two peer connections), wait
/// until the echo participant is in the room, and return two channels: <c>reliable</c> (<c>_reliable</c>) and
/// <c>lossy</c> (<c>_lossy</c>), each measured as its own run. The token is never logged or put in a message.
/// </summary>
public sealed class LiveKitPlatformClient : IPlatformClient
{
    public const string PlatformName = "livekit";

    /// <summary>Signal connection, both peer connections and all four channels must be up within this.</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The echo participant must be in the room within this after we joined.</summary>
    public TimeSpan EchoTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public string Name => PlatformName;

    public async Task<IReadOnlyList<IPingChannel>> JoinAsync(JsonElement credentials, PlatformJoinContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw new PlatformException("The agent's livekit credentials are not an object.");
        }

        string url = ReadString(credentials, "url");
        string token = ReadString(credentials, "token");
        string echoIdentity = ReadString(credentials, "echo_identity");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var serverUrl) || serverUrl.Scheme is not ("ws" or "wss" or "http" or "https"))
        {
            throw new PlatformException($"The agent's livekit url '{url}' is not a ws, wss, http or https URL.");
        }

        if (context.PayloadBytes > LiveKitParticipant.MaxPayloadBytes)
        {
            throw new PlatformException($"a LiveKit data packet carries at most {LiveKitParticipant.MaxPayloadBytes} bytes; --payload-bytes {context.PayloadBytes} is larger.");
        }

        var participant = new LiveKitParticipant();
        var session = new LiveKitSession(participant, echoIdentity);
        participant.SetReceiver(session);
        try
        {
            await participant.JoinAsync(new LiveKitJoinOptions
            {
                Url = serverUrl,
                Token = token,
                Clock = context.Clock,
                JoinTimeout = JoinTimeout,
            }, cancellationToken).ConfigureAwait(false);

            using var echoWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            echoWait.CancelAfter(EchoTimeout);
            try
            {
                await participant.WaitForParticipantAsync(echoIdentity, echoWait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new PlatformException($"the echo participant '{echoIdentity}' did not join room '{participant.RoomName}' within {EchoTimeout.TotalSeconds:0} s.");
            }

            var reliable = new LiveKitPingChannel(session, LiveKitDataKind.Reliable);
            var lossy = new LiveKitPingChannel(session, LiveKitDataKind.Lossy);
            session.Attach(reliable);
            session.Attach(lossy);
            session.Watch(context.Clock);
            return [reliable, lossy];
        }
        catch (LiveKitException ex)
        {
            // The outcome without LiveKitException's "LiveKit: " prefix: whoever shows the message names the platform.
            await participant.DisposeAsync().ConfigureAwait(false);
            throw new PlatformException(ex.Outcome.ToString(), ex);
        }
        catch
        {
            await participant.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static string ReadString(JsonElement credentials, string name)
    {
        if (!credentials.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(element.GetString()))
        {
            throw new PlatformException($"The agent's livekit credentials have no '{name}'.");
        }

        return element.GetString()!;
    }
}
