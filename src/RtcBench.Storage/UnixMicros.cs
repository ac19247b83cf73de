using System.Globalization;

namespace RtcBench.Storage;

/// <summary>Conversions between <see cref="DateTimeOffset"/> and the stores' time forms (unix µs, ISO 8601 text).</summary>
internal static class UnixMicros
{
    private const long TicksPerMicrosecond = 10;

    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>Unix microseconds, rounded down; for range queries.</summary>
    public static long Floor(DateTimeOffset time) =>
        Math.DivRem(time.UtcTicks - EpochTicks, TicksPerMicrosecond, out long remainder) - (remainder < 0 ? 1 : 0);

    /// <summary>Unix microseconds of a time that is whole microseconds; false when it is finer.</summary>
    public static bool TryExact(DateTimeOffset time, out long unixUs)
    {
        long ticks = time.UtcTicks - EpochTicks;
        unixUs = ticks / TicksPerMicrosecond;
        return ticks % TicksPerMicrosecond == 0;
    }

    /// <summary>The UTC (offset zero) time of unix microseconds.</summary>
    public static DateTimeOffset ToTime(long unixUs) => new(EpochTicks + unixUs * TicksPerMicrosecond, TimeSpan.Zero);

    /// <summary>Exact, sortable ISO 8601 text in UTC (100 ns resolution), e.g. 2026-11-21T23:24:24.1234567+00:00.</summary>
    public static string ToText(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset FromText(string text) =>
        DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None);
}
