using RtcBench.Core.Results;

namespace RtcBench.Storage;

/// <summary>Checks that a run can be stored and read back equal; shared by every store.</summary>
internal static class RunValidator
{
    /// <summary>True for the 32 lower-case hex digits a run id is written as.</summary>
    public static bool IsRunId(string? runId)
    {
        if (runId is not { Length: 32 })
        {
            return false;
        }
        foreach (char c in runId)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The smallest and largest run ids starting with <paramref name="prefix"/> (lower-case hex, 0..32 digits): both
    /// stores find the ids of a prefix by this range on their primary key.
    /// </summary>
    /// <exception cref="ArgumentException">The prefix is not lower-case hex of at most 32 digits, or the limit is outside 1..1000.</exception>
    public static (string Low, string High) PrefixRange(string prefix, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > 32 || !prefix.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c)))
        {
            throw new ArgumentException($"\"{prefix}\" is not lower-case hex of at most 32 digits.", nameof(prefix));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return (prefix.PadRight(32, '0'), prefix.PadRight(32, 'f'));
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless the run has a proper id, its pings are in strictly increasing
    /// seq order with whole-microsecond times (as is the outcome's noticed_at), and its histogram data is canonical
    /// base64. Returns the histogram bytes.
    /// </summary>
    public static byte[] Validate(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!IsRunId(run.RunId))
        {
            throw new ArgumentException(
                $"Run id \"{run.RunId}\" is not 32 lower-case hex digits.", nameof(run));
        }
        ArgumentNullException.ThrowIfNull(run.Config);
        ArgumentNullException.ThrowIfNull(run.Outcome);
        ArgumentNullException.ThrowIfNull(run.Stats);
        ArgumentNullException.ThrowIfNull(run.Histogram);
        ArgumentNullException.ThrowIfNull(run.Pings);
        if (run.Outcome.NoticedAt is { } noticed && !UnixMicros.TryExact(noticed, out _))
        {
            throw new ArgumentException(
                "The outcome's noticed_at is finer than a microsecond; stores keep whole microseconds.", nameof(run));
        }
        IReadOnlyList<PingResult> pings = run.Pings;
        for (int i = 0; i < pings.Count; i++)
        {
            PingResult ping = pings[i];
            if (i > 0 && ping.Seq <= pings[i - 1].Seq)
            {
                throw new ArgumentException(
                    $"Ping {i} has seq {ping.Seq} after seq {pings[i - 1].Seq}; pings must be in strictly increasing seq order.",
                    nameof(run));
            }
            if (!UnixMicros.TryExact(ping.ScheduledAt, out _)
                || (ping.SentAt is { } sent && !UnixMicros.TryExact(sent, out _)))
            {
                throw new ArgumentException(
                    $"Ping seq {ping.Seq} has a time finer than a microsecond; stores keep whole microseconds.",
                    nameof(run));
            }
        }
        return DecodeHistogram(run);
    }

    private static byte[] DecodeHistogram(RunResult run)
    {
        string data = run.Histogram.Data;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(data ?? "");
        }
        catch (FormatException e)
        {
            throw new ArgumentException("Histogram data is not base64.", nameof(run), e);
        }
        if (!string.Equals(Convert.ToBase64String(bytes), data, StringComparison.Ordinal))
        {
            throw new ArgumentException("Histogram data is not canonical base64 (padding or whitespace).", nameof(run));
        }
        return bytes;
    }
}
