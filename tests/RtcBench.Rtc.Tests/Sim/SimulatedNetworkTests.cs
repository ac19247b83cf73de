using System.Diagnostics;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sim;

public sealed class SimulatedNetworkTests
{
    private static (CountingEndpoint A, CountingEndpoint B, SimulatedNetwork Net) Run(int seed, SimulatedLinkOptions o,
        int count = 10_000)
    {
        var a = new CountingEndpoint(RtcTime.NsPerMs, count);
        var b = new CountingEndpoint(RtcTime.NsPerMs, 0);
        var net = new SimulatedNetwork(seed, a, b, o);
        net.RunFor(60 * RtcTime.NsPerSecond);
        return (a, b, net);
    }

    [Fact]
    public void PerfectLink_DeliversAllInOrderAfterDelay()
    {
        var (_, b, net) = Run(1, new SimulatedLinkOptions { DelayNs = 25 * RtcTime.NsPerMs }, 100);
        Assert.Equal(100, b.Received.Count);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, b.Received[i].Number);
            Assert.Equal(i * RtcTime.NsPerMs + 25 * RtcTime.NsPerMs, b.Received[i].At);
        }

        Assert.Equal(0, net.AToB.Stats.Lost);
    }

    [Fact]
    public void SameSeed_SameOutcome_DifferentSeed_DifferentOutcome()
    {
        var o = new SimulatedLinkOptions { LossRate = 0.1, JitterNs = 5 * RtcTime.NsPerMs, DuplicateRate = 0.05, ReorderRate = 0.05 };
        var r1 = Run(42, o).B.Received;
        var r2 = Run(42, o).B.Received;
        var r3 = Run(43, o).B.Received;
        Assert.Equal(r1, r2);
        Assert.NotEqual(r1, r3);
    }

    [Fact]
    public void RandomLoss_MatchesRate()
    {
        var (_, _, net) = Run(7, new SimulatedLinkOptions { LossRate = 0.05 });
        var rate = net.AToB.Stats.Lost / (double)net.AToB.Stats.Sent;
        Assert.InRange(rate, 0.04, 0.06);
    }

    [Fact]
    public void GilbertElliott_LosesInBursts()
    {
        // Average loss ≈ 1/(1+10)*... ; what matters: losses cluster, so mean run length of losses is well above 1.
        var (_, b, net) = Run(3, new SimulatedLinkOptions { GoodToBad = 0.01, BadToGood = 0.25, BurstLossRate = 1 });
        var got = b.Received.Select(r => r.Number).ToHashSet();
        int runs = 0, lost = 0;
        var inRun = false;
        for (var i = 0; i < 10_000; i++)
        {
            var isLost = !got.Contains(i);
            if (isLost)
            {
                lost++;
                if (!inRun)
                {
                    runs++;
                }
            }

            inRun = isLost;
        }

        Assert.True(lost > 100, net.Describe());
        Assert.True(lost / (double)runs > 2.5, $"mean burst {lost / (double)runs} {net.Describe()}");
    }

    [Fact]
    public void ReorderingAndDuplication_Happen()
    {
        var (_, b, net) = Run(5, new SimulatedLinkOptions { ReorderRate = 0.1, DuplicateRate = 0.1 });
        var outOfOrder = 0;
        for (var i = 1; i < b.Received.Count; i++)
        {
            if (b.Received[i].Number < b.Received[i - 1].Number)
            {
                outOfOrder++;
            }
        }

        Assert.True(outOfOrder > 100, net.Describe());
        Assert.Equal(10_000 + net.AToB.Stats.Duplicated, b.Received.Count);
        Assert.True(net.AToB.Stats.Duplicated > 500, net.Describe());
    }

    [Fact]
    public void LinkDown_DropsEverything()
    {
        var (_, b, _) = Run(1, new SimulatedLinkOptions { Up = false }, 10);
        Assert.Empty(b.Received);
    }

    [Fact]
    public void SixtySecondsOfEvents_AdvanceSimulatedTimeToTheEnd()
    {
        // How fast this runs in wall time is a bench/ figure (bench -- direct --parts sim), not a test assertion.
        var (_, _, net) = Run(9, new SimulatedLinkOptions { LossRate = 0.05, JitterNs = RtcTime.NsPerMs });
        Assert.Equal(60 * RtcTime.NsPerSecond, net.NowNs);
    }

    [Fact]
    public void Options_Invalid_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedLink(new SimulatedLinkOptions { LossRate = 2 }, new Random(1)));
    }
}
