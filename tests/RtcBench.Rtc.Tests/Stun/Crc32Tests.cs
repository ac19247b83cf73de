using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Stun;

public sealed class Crc32Tests
{
    [Fact]
    public void Compute_CheckString_MatchesStandardCheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void Compute_Empty_IsZero() => Assert.Equal(0u, Crc32.Compute([]));

    [Fact]
    public void Update_InPieces_EqualsOneShot()
    {
        var data = new byte[1000];
        new Random(7).NextBytes(data);
        uint running = Crc32.Start;
        running = Crc32.Update(running, data.AsSpan(0, 333));
        running = Crc32.Update(running, data.AsSpan(333));
        Assert.Equal(Crc32.Compute(data), Crc32.Finish(running));
    }
}
