namespace RtcBench.Storage.Queries;

/// <summary>Fills the per-run ping arrays of <see cref="RunPings"/> as rows stream in, shared by both stores.</summary>
internal static class RunPingsBuffer
{
    internal static void Append(List<RunPings> runs, int[] filled, int index, long scheduledAtUs, double rttUs)
    {
        var run = runs[index];
        int at = filled[index]++;
        if (at >= run.RttUs.Length)
        {
            // The ok count in the run row is the statistics' count; the ping rows decide.
            int size = Math.Max(4, run.RttUs.Length * 2);
            var times = run.ScheduledAtUnixUs;
            var rtts = run.RttUs;
            Array.Resize(ref times, size);
            Array.Resize(ref rtts, size);
            run = run with { ScheduledAtUnixUs = times, RttUs = rtts };
            runs[index] = run;
        }
        run.ScheduledAtUnixUs[at] = scheduledAtUs;
        run.RttUs[at] = rttUs;
    }

    /// <summary>Cuts every run's arrays to the pings actually read.</summary>
    internal static IReadOnlyList<RunPings> Trim(List<RunPings> runs, int[] filled)
    {
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            if (run.RttUs.Length != filled[i])
            {
                runs[i] = run with { ScheduledAtUnixUs = run.ScheduledAtUnixUs[..filled[i]], RttUs = run.RttUs[..filled[i]] };
            }
        }
        return runs;
    }
}
