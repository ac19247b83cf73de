namespace RtcBench.Rtc.Tests;

public sealed class RtcTimeTests
{
    [Fact]
    public void FromTimeSpan_RoundTrips()
    {
        Assert.Equal(1_500_000_000, RtcTime.FromTimeSpan(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), RtcTime.ToTimeSpan(1_500_000_000));
    }
}
