using System.Net;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Tests;

/// <summary>The echo server on its own: expiry on its clock, allocation, socket errors, shutdown, IPv6.</summary>
public sealed class UdpEchoServerTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    [Fact]
    public async Task Room_PastExpiry_DroppedAsExpiredEvenBeforeUnregistered()
    {
        var time = new ManualTimeProvider();
        using var server = new UdpEchoServer(Loopback, time: time);
        var clock = new MonoTime(time);
        Guid room = Guid.NewGuid(), other = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token, clock.NowNs() + 60_000_000_000);
        server.RegisterRoom(other, token);
        using var client = new UdpTestClient(server.LocalEndpoint);
        await client.PingAsync(room, token, RunId.New(), 0);
        time.Advance(TimeSpan.FromSeconds(60));
        client.Send(UdpTestClient.Ping(room, token, RunId.New(), 1));
        await client.PingAsync(other, token, RunId.New(), 0);
        Assert.Equal(1, server.GetCounters().DroppedExpired);
    }

    [Fact]
    public async Task EchoPath_SteadyState_AllocatesNothingOnReceiveThread()
    {
        using var server = new UdpEchoServer(Loopback);
        Guid room = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token);
        using var client = new UdpTestClient(server.LocalEndpoint);
        var run = RunId.New();
        var datagrams = Enumerable.Range(0, 3000).Select(i => UdpTestClient.Ping(room, token, run, i, 1_000_000 + i, 160)).ToArray();
        for (int i = 0; i < 1000; i++)
        {
            client.Send(datagrams[i]);
            await client.ReceivePongAsync();
        }
        await client.PingAsync(room, token, run, -1); // fence: the sample below covers every datagram before it
        var (countA, bytesA) = server.ReceiveThreadAllocationSample();
        for (int i = 1000; i < 3000; i++)
        {
            client.Send(datagrams[i]);
            await client.ReceivePongAsync();
        }
        await client.PingAsync(room, token, run, -2);
        var (countB, bytesB) = server.ReceiveThreadAllocationSample();
        Assert.True(countB - countA >= 2000, $"sample covered {countB - countA} datagrams");
        Assert.Equal(0, bytesB - bytesA);
        Assert.Equal(3002, server.GetCounters().Echoed);
    }

    [Fact]
    public async Task PeerGone_IcmpUnreachable_LoopSurvives()
    {
        using var server = new UdpEchoServer(Loopback);
        Guid room = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token);
        // A client that sends and closes at once: the pong provokes ICMP port unreachable.
        for (int i = 0; i < 5; i++)
        {
            using var gone = new UdpTestClient(server.LocalEndpoint);
            gone.Send(UdpTestClient.Ping(room, token, RunId.New(), 0));
        }
        using var client = new UdpTestClient(server.LocalEndpoint);
        var run = RunId.New();
        for (int seq = 0; seq < 20; seq++)
        {
            await client.PingAsync(room, token, run, seq);
        }
    }

    [Fact]
    public async Task Dispose_WhileReceiving_UnblocksAndStopsTheReceiveThread()
    {
        var server = new UdpEchoServer(Loopback);
        // Dispose must return although the receive thread is blocked in a receive (60 s: a hang guard, not a speed claim).
        await Task.Run(server.Dispose).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Throws<ObjectDisposedException>(() => server.RegisterRoom(Guid.NewGuid(), UdpFrame.NewToken()));
    }

    [Fact]
    public async Task IPv6Loopback_EchoesPings()
    {
        using var server = new UdpEchoServer(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        Guid room = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token);
        using var client = new UdpTestClient(server.LocalEndpoint);
        var pong = await client.PingAsync(room, token, RunId.New(), 0);
        Assert.True(pong.EchoRxNs <= pong.EchoTxNs);
    }

    [Fact]
    public void RegisterRoom_Twice_Throws()
    {
        using var server = new UdpEchoServer(Loopback);
        var id = Guid.NewGuid();
        server.RegisterRoom(id, UdpFrame.NewToken());
        Assert.Throws<InvalidOperationException>(() => server.RegisterRoom(id, UdpFrame.NewToken()));
        Assert.True(server.UnregisterRoom(id));
        Assert.False(server.UnregisterRoom(id));
    }
}
