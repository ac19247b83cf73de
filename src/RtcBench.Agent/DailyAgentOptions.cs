using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Agent;

/// <summary>
/// The agent's <c>daily</c> platform: enabled when <see cref="ApiKey"/> is set (from <c>DAILY_API_KEY</c>). Each
/// room gets a Daily room created by REST (unique name from the room id, <c>exp</c> = the room's expiry,
/// <c>eject_at_room_exp</c>, the topology the runner asked for), two meeting tokens, and an echo page in the
/// agent's headless Chromium.
/// </summary>
public sealed record DailyAgentOptions
{
    /// <summary>The Daily API key; never logged. Null = platform off.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Daily's REST base URL; tests point it at a local stand-in. Default https://api.daily.co/v1/.</summary>
    public Uri? ApiBaseUrl { get; init; }

    /// <summary>Optional region pin for new rooms (Daily's <c>geo</c>, e.g. "eu-central-1").</summary>
    public string? Geo { get; init; }

    /// <summary>
    /// STAND-IN ONLY (tests, offline demos): when set, echo and runner pages use the in-page daily-js stand-in
    /// connected to this WebSocket relay instead of Daily. Never set for a real measurement.
    /// </summary>
    public Uri? StandInRelay { get; init; }

    /// <summary>The Chromium to host echo pages in; default <see cref="BrowserHost.Shared"/>.</summary>
    public BrowserHost? Browser { get; init; }

    public static DailyAgentOptions Off { get; } = new();
}
