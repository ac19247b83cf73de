using RtcBench.Core.Measurement;
using RtcBench.Core.Results;

namespace RtcBench.Storage.Validation;

/// <summary>The closed vocabularies of a result document; anything else is refused on ingest and as a query filter.</summary>
public static class KnownValues
{
    /// <summary>
    /// Every platform RtcBench measures (DESIGN §2). A test checks that the runner's catalogue is a subset, so a new
    /// platform cannot ship without the service accepting its runs.
    /// </summary>
    public static IReadOnlyList<string> Platforms { get; } = ["udp", "direct", "janus", "livekit", "daily"];

    public static IReadOnlyList<string> Channels { get; } = ["reliable", "lossy"];

    public static IReadOnlyList<string> Outcomes { get; } =
        [RunOutcome.OkStatus, RunOutcome.PartialStatus, RunOutcome.FailedStatus];

    public static IReadOnlyList<string> Schedules { get; } = ["fixed", "poisson"];

    /// <summary>The statuses a ping of a finished run can have (every <see cref="PingStatus"/> but pending).</summary>
    public static IReadOnlyList<string> PingStatuses { get; } =
        Enum.GetValues<PingStatus>().Where(s => s != PingStatus.Pending).Select(s => s.ToWire()).ToArray();

    public static bool IsPlatform(string? name) => Contains(Platforms, name);

    public static bool IsChannel(string? name) => Contains(Channels, name);

    public static bool IsOutcome(string? name) => Contains(Outcomes, name);

    /// <summary>"udp, direct, …" for messages.</summary>
    public static string List(IReadOnlyList<string> values) => string.Join(", ", values);

    private static bool Contains(IReadOnlyList<string> values, string? name)
    {
        foreach (string value in values)
        {
            if (string.Equals(value, name, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
