using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>
/// The warmed send/receive path of the sans-IO core allocates nothing: two associations back to back on this thread,
/// a 128-byte ping and its pong every 10 ms of fake time (delayed SACKs included), polled through the
/// allocation-free overloads. Allocation counts are deterministic, so the bound is exact. Heartbeats (one per 30 s
/// of idle path, ~0.5 KB each, not per message) are pushed past the measured window so the figure is per message.
/// </summary>
public sealed class SctpAllocationTests
{
    public static TheoryData<bool> Channels => new() { true, false };

    [Theory]
    [MemberData(nameof(Channels))]
    public void RoundTrips_Warmed_AllocateNothing(bool reliable)
    {
        var options = reliable ? SendOptions.Reliable : new SendOptions(false, 0, null);
        long noHeartbeat = 1000 * RtcTime.NsPerSecond;
        var a = new SctpAssociation(new SctpOptions { MaxPacketSize = 1163, Random = new Random(1), HeartbeatIntervalNs = noHeartbeat });
        var b = new SctpAssociation(new SctpOptions { MaxPacketSize = 1163, Random = new Random(2), HeartbeatIntervalNs = noHeartbeat });
        var buffer = new byte[1163];
        long now = 0;
        long delivered = 0;
        a.Connect();
        Pump(a, b, now, buffer, ref delivered);
        Assert.Equal(SctpState.Established, a.State);
        var message = new byte[128];
        RoundTrips(a, b, ref now, message, options, buffer, ref delivered, 2000);

        delivered = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrips(a, b, ref now, message, options, buffer, ref delivered, 5000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10_000, delivered);
        Assert.Equal(SctpState.Established, b.State);
        Assert.Equal(0, a.BufferedAmount); // Acknowledged by the SACK bundled with the pong.
        Assert.Equal(a.Stats.PacketsSent, a.Stats.DataChunksSent + 2); // No standalone SACK (the +2: INIT and COOKIE-ECHO).
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void TryPollEvent_AllocationFree_MessageBytesIntactAndLegacyOverloadStillCopies()
    {
        var a = new SctpAssociation(new SctpOptions { Random = new Random(3) });
        var b = new SctpAssociation(new SctpOptions { Random = new Random(4) });
        var buffer = new byte[1200];
        long delivered = 0;
        a.Connect();
        Pump(a, b, 0, buffer, ref delivered);
        byte[] big = new byte[5000]; // Fragmented: reassembled into a pooled buffer.
        new Random(5).NextBytes(big);

        a.Send(3, 53, "hello"u8);
        a.Send(3, 53, big);
        bool moved = true;
        while (moved) // Both ways (the second message needs SACKs to open the window), without polling b's events.
        {
            moved = false;
            while (a.TryPollTransmit(buffer, out int length))
            {
                b.HandleInput(1, buffer.AsSpan(0, length));
                moved = true;
            }

            while (b.TryPollTransmit(buffer, out int length))
            {
                a.HandleInput(1, buffer.AsSpan(0, length));
                moved = true;
            }
        }

        Assert.True(b.TryPollEvent(out SctpEvent? first, out var hello));
        Assert.Null(first);
        Assert.Equal("hello"u8.ToArray(), hello.Data.ToArray());
        Assert.Equal((ushort)3, hello.StreamId);
        Assert.Equal(53u, hello.Ppid);
        Assert.True(hello.Ordered);
        Assert.True(b.TryPollEvent(out SctpEvent legacy));
        var copied = Assert.IsType<SctpMessageReceived>(legacy);
        Assert.Equal(big, copied.Data);
        Assert.False(b.TryPollEvent(out SctpEvent? _, out _));
    }

    private static void RoundTrips(SctpAssociation a, SctpAssociation b, ref long now, byte[] message, SendOptions options,
        byte[] buffer, ref long delivered, int count)
    {
        for (int i = 0; i < count; i++)
        {
            now += 10 * RtcTime.NsPerMs;
            a.HandleTimeout(now);
            b.HandleTimeout(now);
            Assert.True(a.Send(1, 53, message, options));
            Pump(a, b, now, buffer, ref delivered);
            Assert.True(b.Send(1, 53, message, options)); // The echo.
            Pump(a, b, now, buffer, ref delivered);
        }
    }

    private static void Pump(SctpAssociation a, SctpAssociation b, long now, byte[] buffer, ref long delivered)
    {
        bool moved = true;
        while (moved)
        {
            moved = false;
            while (a.TryPollTransmit(buffer, out int length))
            {
                b.HandleInput(now, buffer.AsSpan(0, length));
                moved = true;
            }

            while (b.TryPollTransmit(buffer, out int length))
            {
                a.HandleInput(now, buffer.AsSpan(0, length));
                moved = true;
            }

            while (a.TryPollEvent(out SctpEvent? ev, out var m))
            {
                delivered += ev is null && m.Length == 128 ? 1 : 0;
            }

            while (b.TryPollEvent(out SctpEvent? ev, out var m))
            {
                delivered += ev is null && m.Length == 128 ? 1 : 0;
            }
        }
    }
}
