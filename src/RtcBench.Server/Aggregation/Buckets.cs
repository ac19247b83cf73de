namespace RtcBench.Server.Aggregation;

/// <summary>
/// The time window of a query and how it is cut into buckets. A run belongs to the bucket holding its start time;
/// buckets are aligned to multiples of their size since the Unix epoch (so hourly buckets start on the hour, UTC).
/// Without a bucket size the whole window is one bucket starting at <see cref="Since"/>.
/// </summary>
internal sealed record Buckets(DateTimeOffset Since, DateTimeOffset Until, TimeSpan? Size)
{
    public long StartOf(DateTimeOffset startedAt)
    {
        if (Size is not { } size)
        {
            return ToUs(Since);
        }
        long sizeUs = size.Ticks / 10;
        long us = ToUs(startedAt);
        return us - (((us % sizeUs) + sizeUs) % sizeUs);
    }

    public DateTimeOffset EndOf(long bucketStartUs) =>
        Size is { } size ? FromUs(bucketStartUs).Add(size) : Until;

    public static long ToUs(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromUs(long us) => DateTimeOffset.UnixEpoch.AddTicks(us * 10);
}
