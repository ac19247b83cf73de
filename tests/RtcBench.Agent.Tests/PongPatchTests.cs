using RtcBench.Agent.Platforms.Udp;
using RtcBench.Core.Protocol;

namespace RtcBench.Agent.Tests;

public sealed class PongPatchTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(300)]
    public void TryPatchTx_SameWidth_RewritesOnlyTx(int padding)
    {
        var ping = new PingFields(RunId.New(), 42, 1_234_567_891, padding);
        var buffer = new byte[PingCodec.MaxMessageBytes];
        int n = PingCodec.WritePong(buffer, ping, 5_000_000_001, 5_000_000_002, 1.7e15);
        Assert.True(UdpEchoServer.TryPatchTx(buffer.AsSpan(0, n), 5_999_999_999));
        Assert.True(PingCodec.TryReadPong(buffer.AsSpan(0, n), out var pong));
        Assert.Equal(5_999_999_999, pong.EchoTxNs);
        Assert.Equal(5_000_000_001, pong.EchoRxNs);
        Assert.Equal(1_234_567_891, pong.SentNs);
        Assert.Equal(42, pong.Seq);
        Assert.Equal(padding, pong.PadLength);
    }

    [Fact]
    public void TryPatchTx_WiderValue_ReturnsFalseAndLeavesPongIntact()
    {
        var ping = new PingFields(RunId.New(), 1, 1000, 0);
        var buffer = new byte[512];
        int n = PingCodec.WritePong(buffer, ping, 9_999_999, 9_999_999, 0);
        var before = buffer[..n];
        Assert.False(UdpEchoServer.TryPatchTx(buffer.AsSpan(0, n), 10_000_000));
        Assert.Equal(before, buffer[..n]);
    }
}
