using RtcBench.Rtc.Peer;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// The hand-off-free echo path: with the loop idle, a decrypted packet runs SCTP, the message callback and the answer's
/// send on the socket's receive thread (Peer/README.md, Threading), without allocating.
/// </summary>
public sealed class PeerConnectionInlineEchoTests
{
    private const string ReceiveThreadName = "rtc-peer-receive";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Echo_LoopIdle_AnsweredOnTheReceiveThreadWithoutAllocating(bool reliable)
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = reliable ? offerer.CreateDataChannel("reliable") : offerer.CreateDataChannel("lossy", ordered: false, maxRetransmits: 0);
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        int onReceiveThread = 0;
        int echoed = 0;
        answerer.DataChannelOpened += ch => ch.OnMessage = (c, message, isText, _) =>
        {
            if (Thread.CurrentThread.Name == ReceiveThreadName)
            {
                onReceiveThread++; // Callbacks never run two at once (the loop's gate): no interlock needed.
            }

            echoed++;
            c.Send(message);
        };
        using var pong = new SemaphoreSlim(0);
        channel.OnMessage = (_, _, _, _) => pong.Release();
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));

        var ping = new byte[128];
        async Task PingPongAsync(int count)
        {
            for (int i = 0; i < count; i++)
            {
                ping[0] = (byte)i;
                Assert.True(channel.Send(ping));
                Assert.True(await pong.WaitAsync(TimeSpan.FromSeconds(10)), $"no pong for ping {i}");
            }
        }

        await PingPongAsync(500); // Warm: JIT tiers, pools, the socket's cached send address.
        int inlineBefore = onReceiveThread;
        long allocatedBefore = answerer.ReceiveThreadAllocatedBytesForTests;
        await PingPongAsync(500);
        long allocated = answerer.ReceiveThreadAllocatedBytesForTests - allocatedBefore;

        Assert.Equal(1000, echoed);
        Assert.True(onReceiveThread - inlineBefore > 0, "no echo ran inline on the receive thread");
        Assert.Equal(0, allocated);
        Assert.Equal(0, answerer.CallbackErrors + offerer.CallbackErrors);
    }
}
