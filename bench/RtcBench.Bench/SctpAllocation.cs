using RtcBench.Rtc;
using RtcBench.Rtc.Sctp;

namespace RtcBench.Bench;

/// <summary>
/// The SCTP core's share of the per-ping allocations, alone: two associations wired back to back on this thread (no
/// DTLS, no sockets, no loop), a 128-byte ping one way and its pong back every 10 ms of fake time, delayed SACKs
/// included, polled through the allocation-free overloads the peer connection uses. Measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> over warmed round trips.
/// </summary>
internal static class SctpAllocation
{
    /// <summary>Bytes allocated per ping round trip by both associations together (each sends one message and receives one).</summary>
    public static double BytesPerRoundTrip(int roundTrips, SendOptions options)
    {
        var a = new SctpAssociation(new SctpOptions { MaxPacketSize = 1163 });
        var b = new SctpAssociation(new SctpOptions { MaxPacketSize = 1163 });
        long now = 0;
        a.Connect();
        Pump(a, b, now);
        var message = new byte[128];
        RoundTrips(a, b, ref now, message, options, 2000); // warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        RoundTrips(a, b, ref now, message, options, roundTrips);
        long after = GC.GetAllocatedBytesForCurrentThread();
        if (a.State != SctpState.Established || b.State != SctpState.Established)
        {
            throw new InvalidOperationException("the back-to-back associations did not stay established");
        }
        return (after - before) / (double)roundTrips;
    }

    private static void RoundTrips(SctpAssociation a, SctpAssociation b, ref long now, byte[] message, SendOptions options, int count)
    {
        for (int i = 0; i < count; i++)
        {
            now += 10 * RtcTime.NsPerMs;
            a.HandleTimeout(now);
            b.HandleTimeout(now);
            a.Send(1, 51, message, options);
            Pump(a, b, now);
            b.Send(1, 51, message, options); // the echo
            Pump(a, b, now);
        }
    }

    private static readonly byte[] Packet = new byte[1163];

    private static void Pump(SctpAssociation a, SctpAssociation b, long now)
    {
        bool moved = true;
        while (moved)
        {
            moved = false;
            while (a.TryPollTransmit(Packet, out int length))
            {
                b.HandleInput(now, Packet.AsSpan(0, length));
                moved = true;
            }
            while (b.TryPollTransmit(Packet, out int length))
            {
                a.HandleInput(now, Packet.AsSpan(0, length));
                moved = true;
            }
            while (a.TryPollEvent(out SctpEvent? _, out _) | b.TryPollEvent(out SctpEvent? _, out _))
            {
            }
        }
    }
}
