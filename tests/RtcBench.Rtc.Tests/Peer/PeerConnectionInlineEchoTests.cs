using RtcBench.Rtc.Peer;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// The hand-off-free send path (Peer/README.md, Threading): with the loop idle, <see cref="DataChannel.Send"/> runs
/// SCTP → DTLS → socket on the caller's thread, without allocating; an echo answering from its callback sends too.
/// </summary>
public sealed class PeerConnectionInlineEchoTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Send_LoopIdle_LeavesOnTheCallersThreadWithoutAllocating(bool reliable)
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = reliable ? offerer.CreateDataChannel("reliable") : offerer.CreateDataChannel("lossy", ordered: false, maxRetransmits: 0);
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        EchoEverything(answerer);
        using var pong = new SemaphoreSlim(0);
        channel.OnMessage = (_, _, _, _) => pong.Release();
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));

        var ping = new byte[128];
        int sentBeforeReturn = 0;
        long allocated = 0;
        async Task PingPongAsync(int count, bool measure)
        {
            for (int i = 0; i < count; i++)
            {
                ping[0] = (byte)i;
                long datagrams = offerer.SocketSentForTests;
                long before = GC.GetAllocatedBytesForCurrentThread();
                Assert.True(channel.Send(ping));
                long after = GC.GetAllocatedBytesForCurrentThread();
                if (measure)
                {
                    allocated += after - before;
                    sentBeforeReturn += offerer.SocketSentForTests > datagrams ? 1 : 0;
                }

                Assert.True(await pong.WaitAsync(TimeSpan.FromSeconds(10)), $"no pong for ping {i}");
            }
        }

        await PingPongAsync(500, measure: false); // Warm: JIT tiers, pools, the socket's cached send address.
        await PingPongAsync(500, measure: true);

        Assert.True(sentBeforeReturn > 0, "no Send put its datagram on the socket before returning");
        Assert.Equal(0, allocated);
        Assert.Equal(1000, channel.MessagesReceived);
        Assert.Equal(0, answerer.CallbackErrors + offerer.CallbackErrors);
    }
}
