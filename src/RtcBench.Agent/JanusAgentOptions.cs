using System.Net;
using RtcBench.Janus.Client;

namespace RtcBench.Agent;

/// <summary>
/// The agent's <c>janus</c> platform: on when <see cref="Url"/> is set (<c>JANUS_URL</c>: Janus's REST endpoint,
/// <c>http(s)://host:8088/janus</c>, or its WebSocket one, <c>ws(s)://host:8188/</c>). Per room it creates a Janus room
/// (VideoRoom for the <c>sfu</c> path, TextRoom for <c>textroom</c>) with a random id, secret and PIN, using the
/// plugins' <c>admin_key</c> (<c>JANUS_ADMIN_KEY</c>; <c>JANUS_TEXTROOM_ADMIN_KEY</c> when the TextRoom's differs),
/// and an echo participant of ours in it. <c>JANUS_API_SECRET</c> / <c>JANUS_TOKEN</c> when Janus wants them (the
/// runner gets them too: it talks to Janus's API itself). Secrets are never logged or printed.
/// </summary>
public sealed record JanusAgentOptions
{
    public const string UrlVariable = "JANUS_URL";
    public const string ApiSecretVariable = "JANUS_API_SECRET";
    public const string TokenVariable = "JANUS_TOKEN";
    public const string AdminKeyVariable = "JANUS_ADMIN_KEY";
    public const string TextRoomAdminKeyVariable = "JANUS_TEXTROOM_ADMIN_KEY";

    /// <summary>Null: the platform is off.</summary>
    public Uri? Url { get; init; }

    public string? ApiSecret { get; init; }

    public string? Token { get; init; }

    /// <summary>The VideoRoom's <c>admin_key</c> (and the TextRoom's, unless <see cref="TextRoomAdminKey"/> is set); null when the plugins have none.</summary>
    public string? AdminKey { get; init; }

    public string? TextRoomAdminKey { get; init; }

    /// <summary>The echo's join (signalling, its connections, its channel) must finish within this. Default 30 s.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>ICE/DTLS/SCTP/channel-open timeouts of the echo's connections; null = the stack's defaults.</summary>
    public TimeSpan? PeerPhaseTimeout { get; init; }

    /// <summary>The echo's host candidate address; null = the address the OS routes towards Janus.</summary>
    public IPAddress? LocalAddress { get; init; }

    public bool Enabled => Url is not null;

    public static JanusAgentOptions Off { get; } = new();

    /// <summary>
    /// The platform from the environment: <see cref="Off"/> without <c>JANUS_URL</c>; a URL that is not Janus's API
    /// shape, or a key without a URL, throws <see cref="AgentConfigurationException"/> naming the variable (never a secret).
    /// </summary>
    public static JanusAgentOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? url = Blank(environment(UrlVariable));
        string? secret = Blank(environment(ApiSecretVariable));
        string? token = Blank(environment(TokenVariable));
        string? adminKey = Blank(environment(AdminKeyVariable));
        string? textRoomKey = Blank(environment(TextRoomAdminKeyVariable));
        if (url is null)
        {
            return secret is null && token is null && adminKey is null && textRoomKey is null
                ? Off
                : throw new AgentConfigurationException([$"Janus is partly configured: {UrlVariable} is not set (set it to offer janus, or unset the other JANUS_ variables)"]);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || !IsUsableUrl(parsed))
        {
            throw new AgentConfigurationException([$"{UrlVariable} '{url}' is not a Janus API URL (expected http(s)://host:8088/janus or ws(s)://host:8188/)"]);
        }

        return new JanusAgentOptions { Url = parsed, ApiSecret = secret, Token = token, AdminKey = adminKey, TextRoomAdminKey = textRoomKey };
    }

    /// <summary>Lists every problem; empty when valid (an off platform is valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Url is not null && !IsUsableUrl(Url))
        {
            problems.Add($"Janus.Url: '{Url.GetLeftPart(UriPartial.Path)}' is not an absolute http(s) or ws(s) URL without a query");
        }

        if (Url is null && (ApiSecret ?? Token ?? AdminKey ?? TextRoomAdminKey) is not null)
        {
            problems.Add("Janus.Url: required when a Janus secret, token or admin key is given");
        }

        if (JoinTimeout <= TimeSpan.Zero || JoinTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"Janus.JoinTimeout: must be more than 0 and at most 5 minutes, got {JoinTimeout}");
        }

        if (PeerPhaseTimeout is { } phase && (phase <= TimeSpan.Zero || phase > TimeSpan.FromMinutes(5)))
        {
            problems.Add($"Janus.PeerPhaseTimeout: must be more than 0 and at most 5 minutes, got {phase}");
        }

        return problems;
    }

    /// <summary>The API client options the echo and the room management use.</summary>
    public JanusClientOptions ClientOptions() => new() { Url = Url!, ApiSecret = ApiSecret, Token = Token };

    /// <summary>The URL and which secrets are set; never the secrets.</summary>
    public override string ToString() =>
        $"janus {Url?.GetLeftPart(UriPartial.Path) ?? "off"} (api secret {Set(ApiSecret)}, token {Set(Token)}, admin key {Set(AdminKey)}, textroom admin key {Set(TextRoomAdminKey)})";

    private static string Set(string? value) => value is null ? "none" : "set";

    private static bool IsUsableUrl(Uri url) =>
        url.IsAbsoluteUri && url.Scheme is "http" or "https" or "ws" or "wss" && url.Host.Length > 0 && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.UserInfo);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
