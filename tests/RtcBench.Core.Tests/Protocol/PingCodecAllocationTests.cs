using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;

namespace RtcBench.Core.Tests.Protocol;

public sealed class PingCodecAllocationTests
{
    [Fact]
    public void PingPongCodecPath_Warmed_AllocatesNothing()
    {
        var ping = new byte[PingCodec.MaxMessageBytes];
        var pong = new byte[PingCodec.MaxMessageBytes];
        long checksum = 0;
        for (int i = 0; i < 1000; i++)
        {
            checksum += RoundTrip(ping, pong, i);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            checksum += RoundTrip(ping, pong, i);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(checksum > 0);
    }

    [Fact]
    public void SessionSendAndReceive_Warmed_AllocatesNothing()
    {
        var config = new RunConfig { Count = 12_000, Warmup = 0, PayloadBytes = 200, Interval = TimeSpan.FromMilliseconds(1) };
        var session = new PingSession(PingCodecTests.Run, config, 1_000_000_000);
        var ping = new byte[PingCodec.MaxMessageBytes];
        var pong = new byte[PingCodec.MaxMessageBytes];
        long now = 1_000_000_000;
        for (int i = 0; i < 1000; i++)
        {
            now = SendAndEcho(session, ping, pong, now);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            now = SendAndEcho(session, ping, pong, now);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(11_000, session.AnsweredCount);
    }

    private static long RoundTrip(byte[] ping, byte[] pong, long seq)
    {
        int n = PingCodec.WritePing(ping, PingCodecTests.Run, seq, 1_000_000 + seq, 200);
        if (!PingCodec.TryReadPing(ping.AsSpan(0, n), out var fields))
        {
            return -1_000_000;
        }
        int m = PingCodec.WritePong(pong, fields, 5_000 + seq, 6_000 + seq, 1_763_769_600_000_000);
        return PingCodec.TryReadPong(pong.AsSpan(0, m), out var p) ? p.Seq + 1 : -1_000_000;
    }

    private static long SendAndEcho(PingSession session, byte[] ping, byte[] pong, long now)
    {
        now += 1_000_000;
        int n = session.WriteNextPing(now, ping, out _);
        PingCodec.TryReadPing(ping.AsSpan(0, n), out var fields);
        int m = PingCodec.WritePong(pong, fields, 10_000, 20_000, 1_763_769_600_000_000);
        session.OnMessage(pong.AsSpan(0, m), now + 500_000);
        return now;
    }
}
