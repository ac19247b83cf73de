namespace RtcBench.Janus.Tests.Support;

/// <summary>How a test Janus is configured (everything not named here is generated: ports, admin secret, admin keys).</summary>
internal sealed record JanusServerOptions
{
    /// <summary>Janus's <c>api_secret</c>; null: none (requests need no secret).</summary>
    public string? ApiSecret { get; init; }

    /// <summary>Janus's session timeout (s): sessions with no keepalive and no long-poll for this long get a <c>timeout</c> event.</summary>
    public int SessionTimeoutSeconds { get; init; } = 60;

    /// <summary>Janus's log level: 5 (verbose) shows DTLS, SCTP and data-channel steps; 7 is everything.</summary>
    public int DebugLevel { get; init; } = 5;

    /// <summary>Plugins loaded (every other plugin found is disabled).</summary>
    public IReadOnlyList<string> Plugins { get; init; } = ["echotest", "textroom", "videoroom"];
}
