using System.Net;
using RtcBench.Core.Security;

namespace RtcBench.Server;

/// <summary>How the results service listens and whom it lets ingest. Validated at start-up, every problem listed.</summary>
public sealed class ServerOptions
{
    /// <summary>The default body limit of POST /api/runs: 8 MiB (a 200-ping run is about 40 KiB; 100,000 pings fit).</summary>
    public const int DefaultMaxBodyBytes = 8 * 1024 * 1024;

    /// <summary>The default interval of the comment lines that keep <c>GET /api/events</c> open through proxies.</summary>
    public static readonly TimeSpan DefaultEventHeartbeat = TimeSpan.FromSeconds(15);

    /// <summary>The default limit of clients listening to <c>GET /api/events</c> at once.</summary>
    public const int DefaultMaxEventClients = 1000;

    /// <summary>The default limit of runners whose reports (<c>POST /api/runners/heartbeat</c>) are tracked.</summary>
    public const int DefaultMaxRunners = 1000;

    /// <summary>The default time after its last report when a runner is forgotten (its series leave <c>/metrics</c>).</summary>
    public static readonly TimeSpan DefaultRunnerExpiry = TimeSpan.FromHours(24);

    public IPEndPoint Listen { get; set; } = new(IPAddress.Loopback, 8090);

    /// <summary>
    /// The ingest token runners send as <c>Authorization: Bearer TOKEN</c> (or <c>X-Api-Key</c>). Required when
    /// listening beyond loopback; when set it is required on loopback too. Reads need no token. Never logged.
    /// </summary>
    public string? IngestToken { get; set; }

    /// <summary>
    /// When true, <c>GET /metrics</c> requires the ingest token like a write (Prometheus: <c>authorization:
    /// credentials_file</c>); when false (default) it is open like every other read. Needs <see cref="IngestToken"/>.
    /// </summary>
    public bool MetricsRequireToken { get; set; }

    /// <summary>Largest accepted ingest body; larger answers 413.</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>
    /// How often <c>GET /api/events</c> sends a comment line when nothing else happens, so proxies (which often close
    /// a connection idle for 30–60 s) and browsers keep the stream open.
    /// </summary>
    public TimeSpan EventHeartbeat { get; set; } = DefaultEventHeartbeat;

    /// <summary>At most this many <c>GET /api/events</c> streams at once; more answer 503 (the dashboard then polls).</summary>
    public int MaxEventClients { get; set; } = DefaultMaxEventClients;

    /// <summary>
    /// At most this many runners' reports are kept (and shown on <c>/metrics</c>); a new runner beyond it answers 429
    /// until one is forgotten (<see cref="RunnerExpiry"/>). Bounds the metrics' cardinality.
    /// </summary>
    public int MaxRunners { get; set; } = DefaultMaxRunners;

    /// <summary>A runner that has not reported for this long is forgotten.</summary>
    public TimeSpan RunnerExpiry { get; set; } = DefaultRunnerExpiry;

    /// <summary>
    /// Kestrel's limit: 4 × <see cref="MaxBodyBytes"/>. Bodies between the two are read and discarded so the client
    /// sees a clean 413; larger ones get the connection closed.
    /// </summary>
    public long HardBodyLimit => 4L * MaxBodyBytes;

    /// <summary>
    /// Raw pings of runs that started longer ago than this are deleted (at start-up, then hourly); runs, their
    /// statistics and histograms, and the rollups stay. Null (the default): pings are kept for ever.
    /// </summary>
    public TimeSpan? PingRetention { get; set; }

    /// <summary>
    /// The rollup grains (seconds) aggregate queries read: all of them (hours, six hours, days, weeks, four weeks).
    /// Not a command-line option: the fleet-scale bench gives a second server hours, days and weeks only, the plan
    /// before six-hour and four-week rollups, as its baseline.
    /// </summary>
    internal IReadOnlyList<int> RollupGrainSeconds { get; init; } = Aggregation.SourcePlan.AllGrainSeconds;

    /// <summary>
    /// False only for the fleet-scale bench's baseline: rollup rows come back one by one and are merged in the
    /// service (the read path before the store merged them per group).
    /// </summary>
    internal bool GroupRollupsInStore { get; init; } = true;

    /// <summary>
    /// False only for the fleet-scale bench's baseline: the rollup pieces of a query (four weeks, weeks, days, …) are
    /// read and merged per group one query each, as before, instead of in one query.
    /// </summary>
    internal bool RollupsInOnePass { get; init; } = true;

    /// <summary>
    /// False only for the fleet-scale bench's baseline: a query across locations without a location filter merges the
    /// rollup rows of every location instead of reading the rows pre-merged across locations (migration 0009).
    /// </summary>
    internal bool AllLocationsRollups { get; init; } = true;

    /// <summary>
    /// False only for the fleet-scale bench's baseline: the pieces of an aggregate query (the runs at each edge, the
    /// rollups) are read one after another instead of at once, and the groups' figures computed on one core.
    /// </summary>
    internal bool ConcurrentAggregation { get; init; } = true;

    /// <summary>Every problem with these options; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Listen is null)
        {
            problems.Add("Listen: an address and port are required");
        }
        else if (!IPAddress.IsLoopback(Listen.Address) && string.IsNullOrEmpty(IngestToken))
        {
            problems.Add(
                $"refusing to listen on {Listen} without an ingest token: set RTCBENCH_INGEST_TOKEN or --ingest-token-file");
        }
        if (IngestToken is { Length: > 0 } && SharedSecret.Problem(IngestToken, "the ingest token") is { } tokenProblem)
        {
            problems.Add(tokenProblem);
        }
        if (MetricsRequireToken && string.IsNullOrEmpty(IngestToken))
        {
            problems.Add("metrics behind the ingest token needs an ingest token: set RTCBENCH_INGEST_TOKEN or --ingest-token-file");
        }
        if (MaxBodyBytes < 1024)
        {
            problems.Add($"MaxBodyBytes must be at least 1024 (got {MaxBodyBytes})");
        }
        if (EventHeartbeat < TimeSpan.FromMilliseconds(10) || EventHeartbeat > TimeSpan.FromMinutes(5))
        {
            problems.Add($"EventHeartbeat must be between 10 ms and 5 minutes (got {EventHeartbeat})");
        }
        if (PingRetention is { } retention && retention < TimeSpan.FromHours(1))
        {
            problems.Add($"PingRetention must be at least an hour (got {retention})");
        }
        if (MaxEventClients < 1)
        {
            problems.Add($"MaxEventClients must be at least 1 (got {MaxEventClients})");
        }
        if (MaxRunners < 1)
        {
            problems.Add($"MaxRunners must be at least 1 (got {MaxRunners})");
        }
        if (RunnerExpiry < TimeSpan.FromMinutes(1))
        {
            problems.Add($"RunnerExpiry must be at least a minute (got {RunnerExpiry})");
        }
        return problems;
    }
}
