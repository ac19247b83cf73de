using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;

namespace RtcBench.Core.Tests.Measurement;

/// <summary>A ping encoded first and stamped with its send time afterwards is the ping the session measures by.</summary>
public sealed class PingSessionRestampTests
{
    private const long Start = 1_000_000_000;
    private const long Ms = 1_000_000;
    private static readonly RunId Run = new(Guid.Parse("00112233445566778899aabbccddeeff"));

    private static PingSession NewSession(int payloadBytes = 120) => new(Run, new RunConfig
    {
        Count = 3,
        Warmup = 0,
        Interval = TimeSpan.FromMilliseconds(100),
        Deadline = TimeSpan.FromSeconds(1),
        PayloadBytes = payloadBytes,
    }, Start);

    [Theory]
    [InlineData(120, 1_234)] // same width: patched in place
    [InlineData(120, 9_000 * Ms)] // wider: written again, still padded to the payload size
    [InlineData(0, 9_000 * Ms)] // unpadded and wider
    public void RestampLastPing_PingBytesAndRecordCarryTheNewSendTime(int payloadBytes, long laterBy)
    {
        var session = NewSession(payloadBytes);
        var buffer = new byte[PingCodec.MaxMessageBytes];
        long provisional = session.NextSendDueNs;
        int n = session.WriteNextPing(provisional, buffer, out int seq);
        long sent = provisional + laterBy;
        int m = session.RestampLastPing(sent, buffer, n);

        Assert.True(PingCodec.TryReadPing(buffer.AsSpan(0, m), out var ping));
        Assert.Equal(new PingFields(Run, seq, sent, ping.PadLength), ping);
        if (payloadBytes > 0)
        {
            Assert.Equal(payloadBytes, m);
        }
        var expected = new byte[PingCodec.MaxMessageBytes];
        int e = PingCodec.WritePing(expected, Run, seq, sent, payloadBytes);
        Assert.Equal(expected.AsSpan(0, e).ToArray(), buffer.AsSpan(0, m).ToArray());

        // The pong echoing the stamped ts matches; RTT counts from the stamped send time.
        var pong = new byte[PingCodec.MaxMessageBytes];
        int p = PingCodec.WritePong(pong, ping, 1 * Ms, 2 * Ms, 0);
        session.OnMessage(pong.AsSpan(0, p), sent + (5 * Ms));
        Assert.Equal(1, session.AnsweredCount);
        session.Finish();
        Assert.Equal(5 * Ms, session.Records[0].RttNs);
    }

    [Fact]
    public void RestampLastPing_PongEchoingTheProvisionalStamp_IsNotAnAnswer()
    {
        var session = NewSession();
        var buffer = new byte[PingCodec.MaxMessageBytes];
        long provisional = session.NextSendDueNs;
        int n = session.WriteNextPing(provisional, buffer, out int seq);
        session.RestampLastPing(provisional + 2_000, buffer, n);
        var pong = new byte[PingCodec.MaxMessageBytes];
        int p = PingCodec.WritePong(pong, new PingFields(Run, seq, provisional, 0), 1 * Ms, 2 * Ms, 0);
        session.OnMessage(pong.AsSpan(0, p), provisional + (5 * Ms));
        Assert.Equal(0, session.AnsweredCount);
    }

    [Fact]
    public void RestampLastPing_NothingWritten_Throws()
    {
        var session = NewSession();
        Assert.Throws<InvalidOperationException>(() => session.RestampLastPing(Start, new byte[PingCodec.MaxMessageBytes], 0));
    }
}
