using RtcBench.Cli.Fleet;

namespace RtcBench.Cli.Tests;

/// <summary>The plan's schedule and jitter, without running anything.</summary>
public sealed class RunnerPlanTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtcbench-plan-" + Guid.NewGuid().ToString("N"));

    public RunnerPlanTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IReadOnlyList<ScheduledJob> Load(string json)
    {
        string path = Path.Combine(_dir, "plan.json");
        File.WriteAllText(path, json);
        var plan = PlanLoader.Load(path, out var errors);
        Assert.True(plan is not null, string.Join("\n", errors));
        return plan!.Jobs;
    }

    [Fact]
    public void Plan_JobSettingsOverrideThePlansAndDefaultsApply()
    {
        var jobs = Load("""
            { "agent": "http://127.0.0.1:8080", "jitter": "30s",
              "jobs": [ { "schedule": "*/5 * * * *" },
                        { "name": "b", "schedule": "*/10 * * * * *", "agent": "http://10.0.0.1:9", "jitter": "0s",
                          "platforms": ["direct"], "channel": "reliable", "count": 7, "interval": "20ms" } ] }
            """);

        Assert.Equal("job0", jobs[0].Name);
        Assert.Equal(new Uri("http://127.0.0.1:8080"), jobs[0].Agent);
        Assert.Equal(["udp"], jobs[0].Platforms);
        Assert.Null(jobs[0].Channels);
        Assert.Equal(200, jobs[0].Config.Count);
        Assert.Equal(TimeSpan.FromSeconds(30), jobs[0].Jitter);
        Assert.Equal(new Uri("http://10.0.0.1:9"), jobs[1].Agent);
        Assert.Equal(["reliable"], jobs[1].Channels);
        Assert.Equal(7, jobs[1].Config.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(20), jobs[1].Config.Interval);
        Assert.Equal(TimeSpan.Zero, jobs[1].Jitter);
    }

    [Fact]
    public void Schedule_FiveAndSixFieldCron_NextStartsInUtc()
    {
        var jobs = Load("""
            { "agent": "http://127.0.0.1:8080",
              "jobs": [ { "schedule": "*/5 * * * *" }, { "schedule": "*/10 * * * * *" } ] }
            """);
        var at = new DateTimeOffset(2026, 12, 7, 10, 2, 3, TimeSpan.FromHours(2)); // 08:02:03Z

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 8, 5, 0, TimeSpan.Zero), jobs[0].NextAfter(at));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 8, 2, 10, TimeSpan.Zero), jobs[1].NextAfter(at));
    }

    [Fact]
    public void Jitter_EveryStartWithinTheWindowAndSpreadAcrossIt()
    {
        var job = Load("""{ "agent": "http://127.0.0.1:8080", "jitter": "10s", "jobs": [ { "schedule": "* * * * *" } ] }""")[0];
        var cron = new DateTimeOffset(2026, 12, 7, 8, 5, 0, TimeSpan.Zero);

        var offsets = Enumerable.Range(0, 2000).Select(_ => ScheduledRunner.WithJitter(job, cron)!.Value - cron).ToList();

        Assert.All(offsets, o => Assert.InRange(o, TimeSpan.Zero, TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1)));
        // Spread: every tenth of the window gets starts (2000 uniform draws leave none empty but with odds ~1e-90).
        Assert.Equal(10, offsets.Select(o => (int)(o.TotalSeconds)).Distinct().Count());
    }

    [Fact]
    public void Warmup_NotGiven_AsRunFillsTheFirstSecondWithAtLeastTen()
    {
        var jobs = Load("""
            { "agent": "http://127.0.0.1:8080", "jobs": [
                { "schedule": "* * * * *" },
                { "schedule": "* * * * *", "interval": "10ms" },
                { "schedule": "* * * * *", "interval": "10ms", "warmup": 3 } ] }
            """);

        Assert.Equal([10, 100, 3], jobs.Select(j => j.Config.Warmup));
    }
}
