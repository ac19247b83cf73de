using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Stun;

public sealed class StunMessageTypeTests
{
    [Theory]
    [InlineData(StunClass.Request, 0x0001)]
    [InlineData(StunClass.Indication, 0x0011)]
    [InlineData(StunClass.SuccessResponse, 0x0101)]
    [InlineData(StunClass.ErrorResponse, 0x0111)]
    public void ToWire_BindingClasses_MatchRfc(StunClass stunClass, int wire)
    {
        var type = new StunMessageType(stunClass, StunMethod.Binding);
        Assert.Equal((ushort)wire, type.ToWire());
        Assert.Equal(type, StunMessageType.FromWire((ushort)wire));
    }

    [Fact]
    public void FromWire_EveryClassAndMethod_RoundTrips()
    {
        for (int method = 0; method < 0x1000; method++)
        {
            for (int c = 0; c < 4; c++)
            {
                var type = new StunMessageType((StunClass)c, (StunMethod)method);
                ushort wire = type.ToWire();
                Assert.True(wire < 0x4000);
                Assert.Equal(type, StunMessageType.FromWire(wire));
            }
        }
    }
}
