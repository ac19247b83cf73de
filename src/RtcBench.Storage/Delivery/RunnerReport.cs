using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RtcBench.Storage.Delivery;

/// <summary>
/// What a runner tells the results service about itself, <c>POST /api/runners/heartbeat</c>: who it is, where, and
/// its spool. Not part of any result document, so posting runs (and their idempotent repeats) is unchanged. The
/// service shows the latest report of each runner on <c>/metrics</c>.
/// </summary>
/// <param name="RunnerId">The runner's name: <c>$RTCBENCH_RUNNER_ID</c>, else the host name.</param>
/// <param name="Location">Its location id, or null.</param>
/// <param name="Spool">Its spool now.</param>
public sealed record RunnerReport(string RunnerId, string? Location, SpoolState Spool)
{
    /// <summary>Names a runner in its reports; the host name when unset.</summary>
    public const string RunnerIdVariable = "RTCBENCH_RUNNER_ID";

    /// <summary>The route reports are posted to.</summary>
    public const string Route = "api/runners/heartbeat";

    /// <summary><c>$RTCBENCH_RUNNER_ID</c> when set, else the machine's host name.</summary>
    public static string DefaultRunnerId(string? variable) =>
        string.IsNullOrWhiteSpace(variable) ? Environment.MachineName : variable.Trim();

    /// <summary>The report as the service takes it (snake_case JSON).</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("runner_id", RunnerId);
            if (Location is not null)
            {
                json.WriteString("location", Location);
            }
            json.WriteStartObject("spool");
            json.WriteNumber("pending", Spool.Pending);
            json.WriteNumber("oldest_age_seconds", Math.Round(Spool.OldestAgeSeconds, 3));
            json.WriteNumber("bytes", Spool.Bytes);
            json.WriteNumber("rejected", Spool.Rejected);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{RunnerId} ({Location ?? "no location"}): spool {Spool.Pending}");
}
