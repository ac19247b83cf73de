using System.Net;
using RtcBench.Agent.Platforms;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Core.Security;
using RtcBench.Rtc.Dtls;

namespace RtcBench.Agent;

/// <summary>Settings of the echo agent, validated at start-up with every problem listed.</summary>
public sealed class AgentOptions
{
    /// <summary>Where the HTTP API listens (port 0 = ephemeral). Default 127.0.0.1:8080.</summary>
    public IPEndPoint Listen { get; set; } = new(IPAddress.Loopback, 8080);

    /// <summary>
    /// The API key runners must present (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>); required unless the
    /// agent listens on a loopback address. At least 16 characters without whitespace (the rule the results service's
    /// ingest token follows: <see cref="SharedSecret.Problem"/>). Never logged.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// When true, <c>GET /metrics</c> answers without the API key (a scraper on a trusted network); when false
    /// (default) it needs the key like every route but /health (Prometheus: <c>authorization: credentials_file</c>).
    /// Without an API key everything is open anyway.
    /// </summary>
    public bool MetricsOpen { get; set; }

    /// <summary>The UDP echo port on the same IP as <see cref="Listen"/>; 0 (default) = ephemeral.</summary>
    public int UdpPort { get; set; }

    /// <summary>
    /// The host advertised to runners in room credentials. Default: the host the client used in its request when
    /// listening on a wildcard address, else the listen IP.
    /// </summary>
    public string? PublicHost { get; set; }

    /// <summary>Room lifetime when the client does not ask for one. Default 10 minutes.</summary>
    public TimeSpan DefaultRoomTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest room lifetime; longer requests are capped to it. Default 24 hours (also the maximum).</summary>
    public TimeSpan MaxRoomTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A room with no valid datagram for this long is closed. Default 2 minutes.</summary>
    public TimeSpan DefaultIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most rooms open at once; beyond it /connect answers 503. Default 1000.</summary>
    public int MaxRooms { get; set; } = 1000;

    /// <summary>Free-text location of this agent (e.g. "fra1"), reported to runners.</summary>
    public string? Location { get; set; }

    /// <summary>
    /// The agent's DTLS role on the <c>direct</c> platform: <see cref="DtlsRole.Server"/> (default) answers
    /// <c>a=setup:passive</c>, <see cref="DtlsRole.Client"/> answers <c>a=setup:active</c> and starts the handshake.
    /// </summary>
    public DtlsRole DirectDtlsRole { get; set; } = DtlsRole.Server;

    /// <summary>
    /// The <c>direct</c> platform's UDP sockets: <see cref="DirectSocketMode.Shared"/> (default) serves every session
    /// from one socket per local address; <see cref="DirectSocketMode.PerSession"/> gives each its own.
    /// </summary>
    public DirectSocketMode DirectSocket { get; set; } = DirectSocketMode.Shared;

    /// <summary>
    /// What runs the <c>direct</c> platform's sessions: <see cref="Platforms.DirectEngine.Core"/> (default: RtcCore on
    /// the shared socket's receive thread; it runs on the shared socket only: with <see cref="DirectSocketMode.PerSession"/>
    /// sessions stay on PeerConnection) or <see cref="Platforms.DirectEngine.Peer"/> (PeerConnection: the same core behind a
    /// shell per session, its own lock and timer, answered on its receive thread). <c>RTCBENCH_DIRECT_ENGINE=peer</c> switches the default.
    /// </summary>
    public DirectEngine DirectEngine { get; set; } = DefaultDirectEngine;

    /// <summary><see cref="Platforms.DirectEngine.Peer"/> when <c>RTCBENCH_DIRECT_ENGINE</c> is <c>peer</c> (any case), else Core.</summary>
    public static DirectEngine DefaultDirectEngine { get; } =
        string.Equals(Environment.GetEnvironmentVariable("RTCBENCH_DIRECT_ENGINE"), "peer", StringComparison.OrdinalIgnoreCase)
            ? DirectEngine.Peer
            : DirectEngine.Core;

    /// <summary>The <c>daily</c> platform (off unless an API key is given).</summary>
    public DailyAgentOptions Daily { get; set; } = DailyAgentOptions.Off;

    /// <summary>The <c>livekit</c> platform (off unless a URL and credentials are given).</summary>
    public LiveKitAgentOptions LiveKit { get; set; } = LiveKitAgentOptions.Off;

    /// <summary>The <c>janus</c> platform (off unless a Janus API URL is given).</summary>
    public JanusAgentOptions Janus { get; set; } = JanusAgentOptions.Off;

    /// <summary>
    /// How long a client may take to send a request's whole body (a JSON body or an SDP offer, at most 64 KiB; a slower
    /// one is answered 408), and its headers (Kestrel's header timeout: a slower client loses its connection).
    /// Default 10 s.
    /// </summary>
    public TimeSpan RequestBodyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Fault injection for tests and diagnostics; off by default.</summary>
    public EchoFaults Faults { get; set; } = EchoFaults.None;

    internal static readonly TimeSpan MinIdleTimeout = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan MaxTtlLimit = TimeSpan.FromHours(24);

    /// <summary>Lists every problem with these settings; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Listen is null)
        {
            problems.Add("Listen: an address and port are required");
        }
        if (ApiKey is not null && SharedSecret.Problem(ApiKey, "the API key") is { } keyProblem)
        {
            problems.Add(keyProblem);
        }
        if (Listen is not null && !IPAddress.IsLoopback(Listen.Address) && string.IsNullOrEmpty(ApiKey))
        {
            problems.Add($"refusing to listen on {Listen} without an API key: set RTCBENCH_AGENT_KEY or --api-key");
        }
        if (UdpPort is < 0 or > IPEndPoint.MaxPort)
        {
            problems.Add($"UdpPort: must be 0 (ephemeral) to {IPEndPoint.MaxPort}, got {UdpPort}");
        }
        if (PublicHost is not null && (PublicHost.Length == 0 || PublicHost.Any(c => char.IsWhiteSpace(c) || c == '/')))
        {
            problems.Add($"PublicHost: '{PublicHost}' is not a host name or address");
        }
        if (MaxRoomTtl <= TimeSpan.Zero || MaxRoomTtl > MaxTtlLimit)
        {
            problems.Add($"MaxRoomTtl: must be more than 0 and at most {MaxTtlLimit}, got {MaxRoomTtl}");
        }
        if (DefaultRoomTtl < TimeSpan.FromSeconds(1) || DefaultRoomTtl > MaxRoomTtl)
        {
            problems.Add($"DefaultRoomTtl: must be at least 1 s and at most MaxRoomTtl ({MaxRoomTtl}), got {DefaultRoomTtl}");
        }
        if (DefaultIdleTimeout < MinIdleTimeout || DefaultIdleTimeout > MaxTtlLimit)
        {
            problems.Add($"DefaultIdleTimeout: must be between {MinIdleTimeout} and {MaxTtlLimit}, got {DefaultIdleTimeout}");
        }
        if (RequestBodyTimeout < TimeSpan.FromMilliseconds(100) || RequestBodyTimeout > TimeSpan.FromMinutes(5))
        {
            problems.Add($"RequestBodyTimeout: must be between 100 ms and 5 minutes, got {RequestBodyTimeout}");
        }
        if (MaxRooms < 1)
        {
            problems.Add($"MaxRooms: must be at least 1, got {MaxRooms}");
        }
        if (Location is { Length: > 128 })
        {
            problems.Add("Location: at most 128 characters");
        }
        if (DirectDtlsRole is not (DtlsRole.Client or DtlsRole.Server))
        {
            problems.Add($"DirectDtlsRole: must be Client or Server, got {DirectDtlsRole}");
        }
        if (DirectSocket is not (DirectSocketMode.Shared or DirectSocketMode.PerSession))
        {
            problems.Add($"DirectSocket: must be Shared or PerSession, got {DirectSocket}");
        }
        if (DirectEngine is not (DirectEngine.Peer or DirectEngine.Core))
        {
            problems.Add($"DirectEngine: must be Peer or Core, got {DirectEngine}");
        }
        if (LiveKit is null)
        {
            problems.Add("LiveKit: must not be null (use LiveKitAgentOptions.Off)");
        }
        else
        {
            problems.AddRange(LiveKit.Validate());
        }
        if (Janus is null)
        {
            problems.Add("Janus: must not be null (use JanusAgentOptions.Off)");
        }
        else
        {
            problems.AddRange(Janus.Validate());
        }
        if (Faults is null)
        {
            problems.Add("Faults: must not be null (use EchoFaults.None)");
        }
        else
        {
            problems.AddRange(Faults.Validate());
        }
        return problems;
    }
}
