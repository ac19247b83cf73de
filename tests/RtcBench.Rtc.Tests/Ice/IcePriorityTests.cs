using RtcBench.Rtc.Ice;

namespace RtcBench.Rtc.Tests.Ice;

public sealed class IcePriorityTests
{
    [Theory]
    [InlineData(126, 65535, 1, 2130706431u)] // the host candidate in our ICE-lite answer (PROTOCOLS.md)
    [InlineData(126, 65535, 2, 2130706430u)]
    [InlineData(110, 65535, 1, 1862270975u)]
    [InlineData(100, 0, 1, 1677721855u)]
    [InlineData(0, 0, 256, 0u)]
    public void Compute_Inputs_MatchesFormula(int type, int local, int component, uint expected) =>
        Assert.Equal(expected, IcePriority.Compute(type, local, component));

    [Theory]
    [InlineData(127, 0, 1)]
    [InlineData(-1, 0, 1)]
    [InlineData(0, 65536, 1)]
    [InlineData(0, 0, 0)]
    [InlineData(0, 0, 257)]
    public void Compute_OutOfRange_Throws(int type, int local, int component) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => IcePriority.Compute(type, local, component));

    [Fact]
    public void ComputePair_ControllingHigher_AddsTieBit()
    {
        const uint g = 2130706431;
        const uint d = 1862270975;
        ulong expected = ((ulong)d << 32) + (2ul * g) + 1;
        Assert.Equal(expected, IcePriority.ComputePair(g, d));
        Assert.Equal(expected - 1, IcePriority.ComputePair(d, g));
        Assert.Equal(((ulong)g << 32) + (2ul * g), IcePriority.ComputePair(g, g));
    }
}
