using System.Net;
using RtcBench.LiveKit.Auth;

namespace RtcBench.Agent;

/// <summary>
/// The agent's <c>livekit</c> platform: enabled when <see cref="Url"/> and <see cref="Credentials"/> are set (from
/// <c>LIVEKIT_URL</c>, <c>LIVEKIT_API_KEY</c>, <c>LIVEKIT_API_SECRET</c>). Each room gets a LiveKit room created over
/// Twirp (short empty/departure timeouts, at most two participants), a token for the runner, and an echo participant
/// of our own that answers each ping to its sender.
/// </summary>
public sealed record LiveKitAgentOptions
{
    public const string UrlVariable = "LIVEKIT_URL";

    /// <summary>The server as clients use it: <c>wss://project.livekit.cloud</c> (or ws/http/https). Null = platform off.</summary>
    public Uri? Url { get; init; }

    /// <summary>API key and secret; the secret is never logged or returned. Null = platform off.</summary>
    public LiveKitCredentials? Credentials { get; init; }

    /// <summary>
    /// The room's <c>empty_timeout</c>: LiveKit closes it if nobody joins within this. Whole seconds. Default 60 s
    /// (the echo joins at once; this only bounds a room whose echo never got in).
    /// </summary>
    public TimeSpan EmptyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The room's <c>departure_timeout</c>: LiveKit closes it this long after the last participant left. Default 10 s.</summary>
    public TimeSpan DepartureTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The echo's join (signalling, both peer connections, four channels) must finish within this. Default 20 s.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>ICE/DTLS/SCTP/channel-open timeouts of the echo's peer connections; null = the stack's defaults.</summary>
    public TimeSpan? PeerPhaseTimeout { get; init; }

    /// <summary>Bounds each Twirp call (CreateRoom, DeleteRoom). Default 15 s.</summary>
    public TimeSpan ApiTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The echo's host candidate address; null = the address the OS routes towards the LiveKit server.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>True when the platform is on (URL and credentials given).</summary>
    public bool Enabled => Url is not null && Credentials is not null;

    public static LiveKitAgentOptions Off { get; } = new();

    /// <summary>
    /// The platform from <c>LIVEKIT_URL</c>, <c>LIVEKIT_API_KEY</c> and <c>LIVEKIT_API_SECRET</c> looked up with
    /// <paramref name="environment"/>: <see cref="Off"/> when none is set, enabled when all three are. A partial set
    /// or an unusable URL throws <see cref="AgentConfigurationException"/> naming the variables (never their values,
    /// except the URL's).
    /// </summary>
    public static LiveKitAgentOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? url = Blank(environment(UrlVariable));
        string? key = Blank(environment(LiveKitCredentials.ApiKeyVariable));
        string? secret = Blank(environment(LiveKitCredentials.ApiSecretVariable));
        if (url is null && key is null && secret is null)
        {
            return Off;
        }

        var problems = new List<string>();
        var missing = new List<string>();
        if (url is null)
        {
            missing.Add(UrlVariable);
        }
        if (key is null)
        {
            missing.Add(LiveKitCredentials.ApiKeyVariable);
        }
        if (secret is null)
        {
            missing.Add(LiveKitCredentials.ApiSecretVariable);
        }
        if (missing.Count > 0)
        {
            problems.Add($"LiveKit is partly configured: {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not set "
                + $"(set all of {UrlVariable}, {LiveKitCredentials.ApiKeyVariable} and {LiveKitCredentials.ApiSecretVariable} to offer livekit, or none)");
        }
        Uri? parsed = null;
        if (url is not null && !TryParseUrl(url, out parsed))
        {
            problems.Add($"{UrlVariable} '{url}' is not a LiveKit server URL (expected wss://host, ws://host:port, https://… or http://…)");
        }
        if (problems.Count > 0)
        {
            throw new AgentConfigurationException(problems);
        }
        return new LiveKitAgentOptions { Url = parsed, Credentials = new LiveKitCredentials(key!, secret!) };
    }

    /// <summary>Lists every problem; empty when valid (an off platform is valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if ((Url is null) != (Credentials is null))
        {
            problems.Add(Url is null
                ? "LiveKit.Url: required when LiveKit credentials are given"
                : "LiveKit.Credentials: required when a LiveKit URL is given");
        }
        if (Url is not null && !IsUsableUrl(Url))
        {
            problems.Add($"LiveKit.Url: '{Url}' is not an absolute ws, wss, http or https URL");
        }
        CheckSeconds(problems, nameof(EmptyTimeout), EmptyTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        CheckSeconds(problems, nameof(DepartureTimeout), DepartureTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        if (JoinTimeout <= TimeSpan.Zero || JoinTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"LiveKit.JoinTimeout: must be more than 0 and at most 5 minutes, got {JoinTimeout}");
        }
        if (PeerPhaseTimeout is { } phase && (phase <= TimeSpan.Zero || phase > TimeSpan.FromMinutes(5)))
        {
            problems.Add($"LiveKit.PeerPhaseTimeout: must be more than 0 and at most 5 minutes, got {phase}");
        }
        if (ApiTimeout <= TimeSpan.Zero || ApiTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"LiveKit.ApiTimeout: must be more than 0 and at most 5 minutes, got {ApiTimeout}");
        }
        return problems;
    }

    private static void CheckSeconds(List<string> problems, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max || value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            problems.Add($"LiveKit.{name}: must be whole seconds between {min.TotalSeconds:0} s and {max.TotalSeconds:0} s, got {value}");
        }
    }

    private static bool TryParseUrl(string text, out Uri? url) =>
        Uri.TryCreate(text, UriKind.Absolute, out url) && IsUsableUrl(url);

    private static bool IsUsableUrl(Uri url) =>
        url.IsAbsoluteUri && url.Scheme is "ws" or "wss" or "http" or "https" && url.Host.Length > 0;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
