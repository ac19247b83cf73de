using System.Net;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;
using RtcBench.Platforms.Udp;

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
        // Virtual time: the echo server's clock moves only when the test moves it, so "the others are not held at all"
        // and "this one is held exactly the delay" are exact, and no assertion depends on how loaded the machine is.
        var time = new ManualTimeProvider();
        var delay = TimeSpan.FromMilliseconds(300);
        using var server = new UdpEchoServer(new IPEndPoint(IPAddress.Loopback, 0), new EchoFaults { Delay = s => s == 4, DelayBy = delay }, time);
        Guid room = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token);
        using var client = new UdpTestClient(server.LocalEndpoint);
        var run = RunId.New();
        for (int seq = 0; seq < 8; seq++)
        {
            client.Send(UdpTestClient.Ping(room, token, run, seq));
        }
        client.Send(UdpTestClient.Ping(room, token, run, -1));

        var order = new List<long>();
        for (int i = 0; i < 8; i++)
        {
            var (_, pong) = await client.ReceivePongAsync();
            order.Add(pong.Seq);
            Assert.Equal(0, pong.EchoTxNs - pong.EchoRxNs); // Not held: no virtual time passed.
        }

        // Pong -1 came back, so ping 4 was handled before it and its timer is armed; 100 ns short of the delay it has
        // not fired (the next probe's pong comes first), at the delay it fires.
        Assert.Equal(new long[] { 0, 1, 2, 3, 5, 6, 7, -1 }, order);
        time.Advance(delay - TimeSpan.FromTicks(1));
        await client.PingAsync(room, token, run, -2);
        time.Advance(TimeSpan.FromTicks(1));
        var (_, delayed) = await client.ReceivePongAsync();
        Assert.Equal(4, delayed.Seq);
        Assert.Equal((long)delay.TotalNanoseconds, delayed.EchoTxNs - delayed.EchoRxNs);
    }
}
