using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Tests.Sctp;

public sealed class SctpUnitTests
{
    [Fact]
    public void ReceiveTracker_GapsAndWrapAround()
    {
        var t = new SctpReceiveTracker();
        t.Initialize(uint.MaxValue - 1); // cum = MaxValue - 2
        foreach (var tsn in new uint[] { uint.MaxValue - 1, 1, 2, 4 })
        {
            t.Add(t.Unwrap(tsn));
        }

        var sack = t.BuildSack(1000, 1200);
        Assert.Equal(uint.MaxValue - 1, sack.CumulativeTsnAck);
        Assert.Equal([((ushort)3, (ushort)4), ((ushort)6, (ushort)6)], sack.GapBlocks);
        t.Add(t.Unwrap(uint.MaxValue));
        t.Add(t.Unwrap(0));
        Assert.Equal(2u, t.BuildSack(0, 1200).CumulativeTsnAck);
        Assert.True(t.ForwardTo(t.Unwrap(3)));
        Assert.Equal(4u, t.BuildSack(0, 1200).CumulativeTsnAck);
        Assert.False(t.HasGaps);
    }

    [Fact]
    public void ReceiveTracker_SackRespectsSizeLimit()
    {
        var t = new SctpReceiveTracker();
        t.Initialize(1);
        for (uint i = 2; i < 2000; i += 2)
        {
            t.Add(t.Unwrap(i));
        }

        var sack = t.BuildSack(0, 200);
        Assert.True(sack.Length <= 200);
        Assert.Equal(((ushort)2, (ushort)2), sack.GapBlocks[0]);
    }

    [Fact]
    public void RtoEstimator_FollowsRfc6298()
    {
        var r = new SctpRtoEstimator(RtcTime.NsPerSecond, 100 * RtcTime.NsPerMs, 60 * RtcTime.NsPerSecond);
        Assert.Equal(RtcTime.NsPerSecond, r.RtoNs);
        r.OnRttSample(100 * RtcTime.NsPerMs); // SRTT 100, RTTVAR 50 → 300
        Assert.Equal(300 * RtcTime.NsPerMs, r.RtoNs);
        r.OnRttSample(100 * RtcTime.NsPerMs); // RTTVAR 37.5 → 250
        Assert.Equal(250 * RtcTime.NsPerMs, r.RtoNs);
        r.BackOff();
        Assert.Equal(500 * RtcTime.NsPerMs, r.RtoNs);
        for (var i = 0; i < 20; i++)
        {
            r.BackOff();
        }

        Assert.Equal(60 * RtcTime.NsPerSecond, r.RtoNs);
    }

    [Fact]
    public void Serial_ComparesAcrossWrap()
    {
        Assert.True(SctpSerial.SsnLess(65535, 0));
        Assert.False(SctpSerial.SsnLess(0, 65535));
        Assert.Equal((1L << 32) + 5, SctpSerial.Unwrap(5, (1L << 32) - 3));
    }
}
