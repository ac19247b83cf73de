using RtcBench.Server.Tests.Support;

namespace RtcBench.Dashboard.Tests;

/// <summary>
/// The known runs every browser test starts from (RunFactory.BaseTime = 10:00 UTC, the service's clock at 16:00):
/// at eu-west-1 (lossy) udp answers in 19/20/21 ms and janus in 29/30/31 ms, three runs each an hour apart, each run
/// 30 ok pings and 1 lost; at us-east-1 (reliable) one daily run of 10 ok pings from 10 to 19 ms and no loss.
/// </summary>
internal static class Seed
{
    public const int UdpRuns = 3;
    public const int PingsPerRun = 31;

    public static async Task PostAsync(ServerHarness harness)
    {
        var t = RunFactory.BaseTime;
        for (int i = 0; i < UdpRuns; i++)
        {
            await harness.PostAllAsync(
                RunFactory.Create(Rtts(20), lost: 1, startedAt: t.AddHours(i), platform: "udp"),
                RunFactory.Create(Rtts(30), lost: 1, startedAt: t.AddHours(i).AddMinutes(5), platform: "janus"));
        }
        await harness.PostAllAsync(RunFactory.Create(
            [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], startedAt: t.AddHours(3), platform: "daily", location: "us-east-1", channel: "reliable"));
    }

    /// <summary>30 RTTs cycling centre − 1, centre, centre + 1 ms: median exactly <paramref name="centreMs"/>.</summary>
    private static double[] Rtts(double centreMs) => Enumerable.Range(0, 30).Select(i => centreMs + (i % 3) - 1).ToArray();
}
