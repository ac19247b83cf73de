namespace RtcBench.Core.Measurement;

/// <summary>
/// The open-loop send schedule: the offset of every ping's send time from the start of the run, decided up front
/// so a slow answer never delays the next ping (no coordinated omission). Poisson schedules use exponential gaps
/// with the configured interval as the mean, drawn from a seeded generator so a run can be repeated exactly.
/// </summary>
public sealed class PingSchedule
{
    private readonly long[] _offsetsNs;

    public PingSchedule(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _offsetsNs = new long[config.TotalPings];
        long intervalNs = config.Interval.Ticks * 100;
        if (config.Schedule == ScheduleKind.Fixed)
        {
            for (int i = 0; i < _offsetsNs.Length; i++)
            {
                _offsetsNs[i] = i * intervalNs;
            }
        }
        else
        {
            var random = new Random(config.Seed);
            long t = 0;
            for (int i = 0; i < _offsetsNs.Length; i++)
            {
                _offsetsNs[i] = t;
                // Exponential gap with mean intervalNs; 1 - NextDouble() is in (0, 1] so the log is finite.
                t += (long)(-Math.Log(1.0 - random.NextDouble()) * intervalNs);
            }
        }
    }

    public int Count => _offsetsNs.Length;

    /// <summary>Offset of ping <paramref name="seq"/> from the start of sending, in nanoseconds.</summary>
    public long OffsetNs(int seq) => _offsetsNs[seq];
}
