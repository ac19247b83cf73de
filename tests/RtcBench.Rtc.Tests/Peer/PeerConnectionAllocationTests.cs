using RtcBench.Rtc.Peer;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// A warmed ping and its echo through two real <see cref="PeerConnection"/>s on loopback allocate nothing per message on
/// the three threads that carry them: the sender (this test thread: <see cref="DataChannel.Send"/> drives the core and
/// the socket here), the answerer's receive thread (datagram → core → OnMessage → the echo's Send, no hand-off) and the
/// offerer's receive thread (datagram → core → OnMessage). As in RtcCoreAllocationTests: several measured windows, the
/// last must be 0 (a tiered-JIT promotion can land in one window once; a real per-message allocation shows in all).
/// Consent checks are pushed past the windows; timer-driven work (delayed SACKs) runs on pool threads, not measured.
/// </summary>
public sealed class PeerConnectionAllocationTests
{
    private long _pongs;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PingEcho_Warmed_AllocatesNothingPerMessage(bool reliable)
    {
        var quiet = Options(o => o with { ConsentInterval = TimeSpan.FromMinutes(5), ConsentTimeout = TimeSpan.FromMinutes(10) });
        await using var offerer = PeerConnection.CreateOfferer(quiet);
        var channel = reliable ? offerer.CreateDataChannel("ping") : offerer.CreateDataChannel("ping", ordered: false, maxRetransmits: 0);
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), quiet);
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));
        channel.OnMessage = (_, _, _, _) => Interlocked.Increment(ref _pongs);
        var ping = new byte[128];

        Assert.Equal(2000, RoundTrips(channel, ping, 2000)); // warm-up

        var windows = new List<long>();
        for (int w = 0; w < 5; w++)
        {
            long offererRx = offerer.Socket.ReceiveThreadAllocatedBytes;
            long answererRx = answerer.Socket.ReceiveThreadAllocatedBytes;
            long sender = GC.GetAllocatedBytesForCurrentThread();
            long pongs = RoundTrips(channel, ping, 1000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - sender
                             + offerer.Socket.ReceiveThreadAllocatedBytes - offererRx
                             + answerer.Socket.ReceiveThreadAllocatedBytes - answererRx;
            Assert.Equal(1000, pongs);
            windows.Add(allocated);
            if (allocated == 0)
            {
                break;
            }
        }

        Assert.True(windows[^1] == 0, "bytes allocated per window: " + string.Join(", ", windows));
    }

    /// <summary>Ping, wait for its pong (a plain spin: a lambda would allocate), repeat. Returns the pongs received.</summary>
    private long RoundTrips(DataChannel channel, byte[] ping, int count)
    {
        long start = Interlocked.Read(ref _pongs);
        for (int i = 0; i < count; i++)
        {
            ping[0] = (byte)i;
            long expected = start + i + 1;
            Assert.True(channel.Send(ping));
            long spins = 0;
            while (Interlocked.Read(ref _pongs) < expected && spins++ < 2_000_000_000)
            {
                Thread.SpinWait(10);
            }
        }

        return Interlocked.Read(ref _pongs) - start;
    }
}
