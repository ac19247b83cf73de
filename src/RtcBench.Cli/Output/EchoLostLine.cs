using System.Globalization;
using RtcBench.Core.Results;

namespace RtcBench.Cli.Output;

/// <summary>
/// The one stderr line that says a run ended because its echo was found gone, e.g. "udp/lossy: echo lost at
/// 12:03:04.512 UTC (no pong for 1.0 s and GET /health failed: Connection refused): 1,085 pings measured, 415
/// abandoned, 500 not sent".
/// </summary>
internal static class EchoLostLine
{
    /// <summary>The line for <paramref name="run"/>, or null when its echo was not lost.</summary>
    public static string? For(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var outcome = run.Outcome;
        if (outcome.Status != RunOutcome.FailedStatus || outcome.Reason != RunOutcome.EchoLostReason)
        {
            return null;
        }
        string at = outcome.NoticedAt is { } t
            ? " at " + t.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " UTC"
            : "";
        string detail = outcome.Detail is null ? "" : $" ({outcome.Detail})";
        var s = run.Stats;
        string notSent = s.NotSent > 0 ? $", {N(s.NotSent)} not sent" : "";
        return $"{run.Platform}/{run.Channel}: echo lost{at}{detail}: {N(s.Sent)} pings measured "
            + $"({N(s.Ok)} ok, {N(s.Lost)} lost, {N(s.Late)} late), {N(s.Abandoned)} abandoned{notSent}";
    }

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
