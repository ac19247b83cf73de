using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Client;

/// <summary>
/// Where and how to reach Janus. <see cref="Url"/> picks the transport: <c>http(s)://host:8088/janus</c> (REST,
/// events by long-poll) or <c>ws(s)://host:8188/</c> (WebSocket). <see cref="ApiSecret"/> and <see cref="Token"/>
/// are sent with every request when set; <see cref="ToString"/> never shows them.
/// </summary>
public sealed class JanusClientOptions
{
    public required Uri Url { get; init; }

    /// <summary>Janus's <c>api_secret</c> (janus.jcfg <c>general.api_secret</c>), when it has one.</summary>
    public string? ApiSecret { get; init; }

    /// <summary>A stored token (<c>general.token_auth</c>), when Janus wants one.</summary>
    public string? Token { get; init; }

    /// <summary>How long a request waits for Janus's direct reply.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an asynchronous plugin request waits, after its <c>ack</c>, for its event.</summary>
    public TimeSpan EventTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a session sends <c>keepalive</c> (Janus drops sessions silent for its session_timeout, 60 s by default); zero: never.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>HTTP only: events asked for per long-poll (<c>maxev</c>).</summary>
    public int LongPollMaxEvents { get; init; } = 10;

    /// <summary>HTTP only: a long-poll that has not answered by then counts as failed (Janus answers within 30 s).</summary>
    public TimeSpan LongPollTimeout { get; init; } = TimeSpan.FromSeconds(45);

    public ILogger Logger { get; init; } = NullLogger.Instance;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public JanusTransportKind TransportKind => Url.Scheme is "ws" or "wss" ? JanusTransportKind.WebSocket : JanusTransportKind.Http;

    /// <summary>Every problem with these options, or none.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Url is null || !Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            errors.Add("Url must be an absolute http(s):// (Janus REST, e.g. http://host:8088/janus) or ws(s):// (Janus WebSocket, e.g. ws://host:8188/) URL.");
        }
        else if (!string.IsNullOrEmpty(Url.Query) || !string.IsNullOrEmpty(Url.UserInfo))
        {
            errors.Add("Url must not carry a query or user info: give the API secret or token as ApiSecret / Token.");
        }

        if (ApiSecret is { Length: 0 } || Token is { Length: 0 })
        {
            errors.Add("ApiSecret and Token must be null or non-empty.");
        }

        if (RequestTimeout <= TimeSpan.Zero || EventTimeout <= TimeSpan.Zero || LongPollTimeout <= TimeSpan.Zero)
        {
            errors.Add("RequestTimeout, EventTimeout and LongPollTimeout must be positive.");
        }

        if (KeepaliveInterval < TimeSpan.Zero)
        {
            errors.Add("KeepaliveInterval must be zero (off) or positive.");
        }

        if (LongPollMaxEvents is < 1 or > 100)
        {
            errors.Add("LongPollMaxEvents must be between 1 and 100.");
        }

        return errors;
    }

    /// <summary>The URL and whether credentials are set; never the credentials.</summary>
    public override string ToString() =>
        $"{Url?.GetLeftPart(UriPartial.Path)} (api secret {(ApiSecret is null ? "none" : "set")}, token {(Token is null ? "none" : "set")})";
}
