namespace RtcBench.Storage.Postgres;

/// <summary>
/// <c>timestamptz</c> keeps whole microseconds; a run's start and end also keep the 100 ns ticks below that in a
/// small column, so they read back exactly (as the SQLite store's ISO text does).
/// </summary>
internal static class PostgresTime
{
    /// <summary>The time rounded down to the microsecond (UTC, offset zero) and the ticks (0..9) beyond it.</summary>
    public static (DateTimeOffset Utc, short Ticks) Split(DateTimeOffset time)
    {
        DateTimeOffset floor = UnixMicros.ToTime(UnixMicros.Floor(time));
        return (floor, (short)(time.UtcTicks - floor.UtcTicks));
    }

    /// <summary>The exact UTC time from a microsecond time and its extra ticks.</summary>
    public static DateTimeOffset Join(DateTimeOffset utc, short ticks) =>
        new(utc.UtcTicks + ticks, TimeSpan.Zero);

    /// <summary>A query bound as the SQLite store compares it: rounded down to the microsecond.</summary>
    public static DateTimeOffset Floor(DateTimeOffset time) => UnixMicros.ToTime(UnixMicros.Floor(time));
}
