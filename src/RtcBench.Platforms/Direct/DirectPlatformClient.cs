using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Peer;

namespace RtcBench.Platforms.Direct;

/// <summary>
/// The runner side of the <c>direct</c> platform: a peer-to-peer WebRTC data channel to the echo agent, signalled
/// WHIP-like. Credentials from /connect: <c>{"signal_url": "/direct/{room_id}/offer", "token": "…"}</c>. We offer
/// (full controlling ICE, two channels: <c>reliable</c> ordered and reliable, <c>lossy</c> unordered with
/// maxRetransmits 0), POST the offer with the room token, apply the answer and wait until both channels are open.
/// </summary>
public sealed class DirectPlatformClient : IPlatformClient
{
    public const string PlatformName = "direct";

    /// <summary>Signalling plus ICE, DTLS, SCTP and both DCEP opens must finish within this.</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// ICE consent checks (RFC 7675) on the selected pair about every second (0.8–1.2 s, randomised as the RFC asks),
    /// not every 5 s: one ~100-byte STUN transaction a second costs nothing beside the pings and makes the checks
    /// fine-grained enough for <see cref="ConsentTimeout"/>.
    /// </summary>
    public static readonly TimeSpan ConsentInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// No consent answer for 10 s ends the connection, and with it the run (echo-lost), instead of RFC 7675's 30 s.
    /// The RFC's 30 s bounds how long a sender may go on without consent; stopping sooner is always allowed. A
    /// benchmark should not spend 30 s of pings on an echo that is gone: the common case (agent process dead, its host
    /// up) is found in about a second by the runner's agent check anyway, so consent is the backstop for an agent
    /// host that vanished altogether. 10 s is about ten missed checks in a row: a lossy path that still passes pings
    /// does not expire by chance (at 30 % loss, 0.3^10 ≈ 6·10⁻⁶ per check), and a short outage is measured as loss.
    /// </summary>
    public static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(10);

    public string Name => PlatformName;

    public async Task<IReadOnlyList<IPingChannel>> JoinAsync(JsonElement credentials, PlatformJoinContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw new PlatformException("The agent's direct credentials are not an object.");
        }

        string signalPath = ReadString(credentials, "signal_url");
        string token = ReadString(credentials, "token");
        if (context.AgentUrl is null)
        {
            throw new PlatformException("the agent's URL is needed to reach its signal_url.");
        }

        if (!Uri.TryCreate(context.AgentUrl, signalPath, out var signalUrl) || signalUrl.Scheme is not ("http" or "https"))
        {
            throw new PlatformException($"The agent's signal_url '{signalPath}' is not a usable URL.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(JoinTimeout);
        var local = await LocalAddressTowardsAsync(signalUrl.Host, timeout.Token).ConfigureAwait(false);
        var peer = PeerConnection.CreateOfferer(new PeerConnectionOptions
        {
            LocalAddress = local,
            Clock = context.Clock.NowNs,
            TimeProvider = context.Clock.Provider,
            ConsentInterval = ConsentInterval,
            ConsentTimeout = ConsentTimeout,
        });
        try
        {
            var reliable = peer.CreateDataChannel("reliable");
            var lossy = peer.CreateDataChannel("lossy", ordered: false, maxRetransmits: 0);
            string answer = await PostOfferAsync(signalUrl, token, context.ApiKey, peer.CreateOffer(), timeout.Token).ConfigureAwait(false);
            try
            {
                peer.SetRemoteAnswer(answer);
            }
            catch (FormatException ex)
            {
                throw new PlatformException("The agent's direct answer is unusable: " + ex.Message, ex);
            }

            // RFC 8841: never send more than the agent takes in one message (our agent says 16,640 B, every ping fits).
            if (context.PayloadBytes > peer.RemoteMaxMessageSize)
            {
                throw new PlatformException($"the agent accepts messages of at most {peer.RemoteMaxMessageSize} bytes (its a=max-message-size); --payload-bytes {context.PayloadBytes} is larger.");
            }

            var outcome = await peer.WhenConnected.WaitAsync(timeout.Token).ConfigureAwait(false);
            if (!outcome.Connected)
            {
                throw new PlatformException($"the WebRTC connection failed ({outcome}).");
            }

            bool[] open = await Task.WhenAll(reliable.WhenOpen, lossy.WhenOpen).WaitAsync(timeout.Token).ConfigureAwait(false);
            if (!open[0] || !open[1])
            {
                throw new PlatformException($"the data channels did not open ({peer.Outcome?.ToString() ?? "no DCEP ACK in time"}).");
            }

            var owner = new DirectPeerOwner(peer, channels: 2, context.Clock);
            return [new DirectPingChannel(owner, reliable), new DirectPingChannel(owner, lossy)];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
            throw new PlatformException($"not connected within {JoinTimeout.TotalSeconds:0} s (state {peer.State}).");
        }
        catch
        {
            await peer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<string> PostOfferAsync(Uri url, string token, string? apiKey, string offer, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(offer, Encoding.UTF8, "application/sdp"),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new PlatformException($"cannot reach the agent's signalling endpoint {url}: {ex.Message}", ex);
        }

        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new PlatformException($"the agent refused the offer ({(int)response.StatusCode}): {Truncate(body)}");
            }

            return body;
        }
    }

    /// <summary>The local address the OS routes towards <paramref name="host"/>: our host candidate.</summary>
    private static async Task<IPAddress> LocalAddressTowardsAsync(string host, CancellationToken ct)
    {
        IPAddress remote;
        try
        {
            remote = await HostRoute.ResolveAsync(host, ct).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new PlatformException($"cannot resolve the agent host '{host}': {ex.Message}", ex);
        }

        try
        {
            return HostRoute.SourceTowards(remote);
        }
        catch (SocketException ex)
        {
            throw new PlatformException($"no route to the agent host '{host}': {ex.Message}", ex);
        }
    }

    private static string ReadString(JsonElement credentials, string name)
    {
        if (!credentials.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(element.GetString()))
        {
            throw new PlatformException($"The agent's direct credentials have no '{name}'.");
        }

        return element.GetString()!;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
