using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;

namespace RtcBench.Agent.Tests;

public sealed class EchoFaultTests
{
    [Fact]
    public async Task DropEvery10_DropsExactlySeq9_19_29()
    {
        await using var h = await AgentHarness.StartAsync(o => o.Faults = new EchoFaults { DropEvery = 10 });
        var room = await h.ConnectAsync();
        using var client = new UdpTestClient(room.Udp);
        var run = RunId.New();
        for (int seq = 0; seq < 35; seq++)
        {
            client.Send(UdpTestClient.Ping(room.Id, room.Token, run, seq));
        }
        client.Send(UdpTestClient.Ping(room.Id, room.Token, run, -1)); // probes are never faulted
        var seen = new List<long>();
        while (true)
        {
            var (_, pong) = await client.ReceivePongAsync();
            if (pong.Seq == -1)
            {
                break;
            }
            seen.Add(pong.Seq);
        }
        var expected = Enumerable.Range(0, 35).Select(i => (long)i).Where(s => s % 10 != 9).ToList();
        Assert.Equal(expected, seen);
        Assert.Equal(3, h.Agent.UdpServer.GetCounters().DroppedInjected);
    }

    [Fact]
    public async Task DelayPredicate_DelaysOnlyThosePongs_TxTakenAtLateSend()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        await using var h = await AgentHarness.StartAsync(o => o.Faults = new EchoFaults { Delay = s => s == 4, DelayBy = delay });
        var room = await h.ConnectAsync();
        using var client = new UdpTestClient(room.Udp);
        var run = RunId.New();
        for (int seq = 0; seq < 8; seq++)
        {
            client.Send(UdpTestClient.Ping(room.Id, room.Token, run, seq));
        }
        client.Send(UdpTestClient.Ping(room.Id, room.Token, run, -1));
        var order = new List<long>();
        PongFields delayed = default;
        while (order.Count < 9)
        {
            var (_, pong) = await client.ReceivePongAsync();
            order.Add(pong.Seq);
            if (pong.Seq == 4)
            {
                delayed = pong;
            }
            else
            {
                Assert.True(pong.EchoTxNs - pong.EchoRxNs < (long)delay.TotalNanoseconds / 2);
            }
        }
        Assert.Equal(new long[] { 0, 1, 2, 3, 5, 6, 7, -1, 4 }, order);
        Assert.True(delayed.EchoTxNs - delayed.EchoRxNs >= (long)(delay.TotalNanoseconds * 0.9),
            $"held {(delayed.EchoTxNs - delayed.EchoRxNs) / 1e6} ms");
    }
}
