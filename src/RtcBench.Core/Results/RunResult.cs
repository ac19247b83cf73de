using RtcBench.Core.Statistics;

namespace RtcBench.Core.Results;

/// <summary>
/// The result document of one run: what the runner prints with <c>--json</c>, writes with <c>--output</c>, stores
/// and (later) posts to the results service. Serialised with <see cref="ResultJson"/> (snake_case); the schema is
/// documented in docs/result-schema.md and versioned by <see cref="Schema"/>.
/// </summary>
public sealed record RunResult
{
    public const string CurrentSchema = "rtcbench.run/1";

    public string Schema { get; init; } = CurrentSchema;

    public required string RunId { get; init; }

    public required string ToolVersion { get; init; }

    public required string Platform { get; init; }

    /// <summary>reliable (ordered, retransmitted) or lossy (unordered, no retransmission).</summary>
    public required string Channel { get; init; }

    /// <summary>How the bytes travelled, e.g. "udp", "webrtc-datachannel", "websocket".</summary>
    public string? TransportMode { get; init; }

    /// <summary>Where the runner ran (user-chosen id, e.g. a cloud region).</summary>
    public string? Location { get; init; }

    public double? Latitude { get; init; }

    public double? Longitude { get; init; }

    /// <summary>Where the echo agent runs, as the agent reports it.</summary>
    public string? AgentLocation { get; init; }

    public string? RunnerHost { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset EndedAt { get; init; }

    public required RunConfigRecord Config { get; init; }

    public required RunOutcome Outcome { get; init; }

    public PathInfo? Path { get; init; }

    public required RunStatistics Stats { get; init; }

    public required HistogramRecord Histogram { get; init; }

    public required IReadOnlyList<PingResult> Pings { get; init; }
}

/// <summary>The configuration a run used, in the units the CLI takes.</summary>
public sealed record RunConfigRecord
{
    public int Count { get; init; }

    public double IntervalMs { get; init; }

    public int Warmup { get; init; }

    public double DeadlineMs { get; init; }

    public int PayloadBytes { get; init; }

    /// <summary>fixed or poisson.</summary>
    public string Schedule { get; init; } = "fixed";

    public int? Seed { get; init; }
}

/// <summary>
/// How a run ended: ok (every ping sent and decided), partial (stopped early, some data), failed. A failed run whose
/// echo was found gone has <see cref="Reason"/> <c>echo-lost</c>, the evidence in <see cref="Detail"/> and the time it
/// was noticed in <see cref="NoticedAt"/> (DESIGN §4b).
/// </summary>
public sealed record RunOutcome
{
    public const string OkStatus = "ok";
    public const string PartialStatus = "partial";
    public const string FailedStatus = "failed";

    /// <summary>The reason of a run that ended because the echo was found gone.</summary>
    public const string EchoLostReason = "echo-lost";

    public required string Status { get; init; }

    public string? Reason { get; init; }

    /// <summary>The evidence behind <see cref="Reason"/> in one line, e.g. "SCTP ABORT from the agent".</summary>
    public string? Detail { get; init; }

    /// <summary>When the runner noticed what <see cref="Reason"/> says (UTC, microsecond resolution).</summary>
    public DateTimeOffset? NoticedAt { get; init; }

    public static RunOutcome Ok() => new() { Status = OkStatus };

    public static RunOutcome Partial(string reason) => new() { Status = PartialStatus, Reason = reason };

    public static RunOutcome Failed(string reason) => new() { Status = FailedStatus, Reason = reason };

    /// <summary>The echo was found gone at <paramref name="noticedAt"/>; <paramref name="detail"/> is the evidence.</summary>
    public static RunOutcome EchoLost(string detail, DateTimeOffset noticedAt) =>
        new() { Status = FailedStatus, Reason = EchoLostReason, Detail = detail, NoticedAt = noticedAt };
}

/// <summary>What the path looked like: transport, reliability, endpoints, candidate pair, server region.</summary>
public sealed record PathInfo
{
    /// <summary>The value of <see cref="Echo"/> for a reflector.</summary>
    public const string ReflectorEcho = "reflector";

    public string? Transport { get; init; }

    /// <summary>
    /// Who answers: null for an RtcBench echo, whose pongs carry its timestamps; <see cref="ReflectorEcho"/> when the
    /// server returns the ping itself (Janus's EchoTest), so there is no net RTT and no clock estimate.
    /// </summary>
    public string? Echo { get; init; }

    /// <summary>True when <see cref="Echo"/> says a reflector answered.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsReflector => Echo == ReflectorEcho;

    /// <summary>e.g. "unreliable-unordered" for UDP, "reliable-ordered" for an ordered SCTP stream.</summary>
    public string? Reliability { get; init; }

    public string? LocalAddress { get; init; }

    public string? RemoteAddress { get; init; }

    public string? CandidatePair { get; init; }

    public string? ServerRegion { get; init; }

    /// <summary>Time to join/handshake before timing started, in milliseconds.</summary>
    public double? SetupMs { get; init; }

    public IReadOnlyDictionary<string, string>? Details { get; init; }
}

/// <summary>The run's RTT histogram of ok pings in its compact serialised form (see <c>LogHistogram</c>).</summary>
public sealed record HistogramRecord
{
    public required string Encoding { get; init; }

    public required double RelativeAccuracy { get; init; }

    public string Unit { get; init; } = "us";

    public required long Count { get; init; }

    /// <summary>Base64 of the serialised histogram.</summary>
    public required string Data { get; init; }
}

/// <summary>One ping as stored and exported. Times are UTC; durations microseconds.</summary>
public sealed record PingResult
{
    public long Seq { get; init; }

    /// <summary>ok, lost, late, warmup, not_sent or abandoned.</summary>
    public required string Status { get; init; }

    public DateTimeOffset ScheduledAt { get; init; }

    /// <summary>Null when the ping was never sent.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>Actual minus scheduled send time; null when never sent.</summary>
    public double? SendDelayUs { get; init; }

    /// <summary>t4 − t1; null when no pong arrived.</summary>
    public double? RttUs { get; init; }

    /// <summary>(t4 − t1) − (t3 − t2); null when no pong arrived.</summary>
    public double? NetRttUs { get; init; }
}
