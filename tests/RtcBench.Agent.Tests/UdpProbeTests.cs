using System.Net;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Tests;

/// <summary>
/// Readiness probes (seq &lt; 0) on the udp echo: replay-checked like pings, limited per room, and never answered with
/// more bytes than they carried, so a captured probe is neither a replay tool nor an amplifier.
/// </summary>
public sealed class UdpProbeTests
{
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 0);

    /// <summary>Sends the datagrams and a ping fence; returns every pong before the fence's, with its datagram length.</summary>
    private static async Task<List<(PongFields Pong, int Length)>> SendThenFenceAsync(
        UdpTestClient client, Guid room, byte[] token, IEnumerable<byte[]> datagrams)
    {
        foreach (var d in datagrams)
        {
            client.Send(d);
        }
        var fence = RunId.New();
        client.Send(UdpTestClient.Ping(room, token, fence, 0));
        var answers = new List<(PongFields, int)>();
        while (true)
        {
            var (_, pong, length) = await client.ReceivePongWithLengthAsync();
            if (pong.RunId == fence)
            {
                return answers;
            }
            answers.Add((pong, length));
        }
    }

    [Fact]
    public async Task Probe_CapturedAndReplayed_AnsweredOnceReplaysCounted()
    {
        using var server = new UdpEchoServer(Loopback);
        Guid room = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token);
        using var client = new UdpTestClient(server.LocalEndpoint);
        var probe = UdpTestClient.Ping(room, token, RunId.New(), -1);

        var answers = await SendThenFenceAsync(client, room, token, Enumerable.Repeat(probe, 200));

        Assert.Single(answers);
        Assert.Equal(-1, answers[0].Pong.Seq);
        Assert.Equal(199, server.GetCounters().DroppedReplayed);
    }

    [Fact]
    public async Task Probe_AnySize_AnswerNeverLongerThanTheProbe()
    {
        using var server = new UdpEchoServer(Loopback);
        Guid room = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token);
        using var client = new UdpTestClient(server.LocalEndpoint);
        var run = RunId.New();
        // payloadBytes 1 = no pad field at all; the rest are padded to that size (JSON bytes after the header).
        int[] sizes = [1, 100, 150, 180, UdpFrame.MinProbeBytes, 300, 1000, PingCodec.MaxPayloadBytes];
        var probes = sizes.Select((size, i) => UdpTestClient.Ping(room, token, run, -1 - i, 123_456_789_000, size)).ToArray();

        var answers = await SendThenFenceAsync(client, room, token, probes);

        foreach (var (pong, length) in answers)
        {
            int sent = probes[(int)(-1 - pong.Seq)].Length;
            Assert.True(length <= sent, $"probe of {sent} bytes answered with {length}");
        }
        var answered = answers.Select(a => (int)(-1 - a.Pong.Seq)).ToHashSet();
        for (int i = 0; i < sizes.Length; i++)
        {
            // Every probe the runner could send (padded to at least MinProbeBytes) is answered; a smaller one only
            // when its pong happens to fit (short timestamps).
            Assert.True(sizes[i] < UdpFrame.MinProbeBytes || answered.Contains(i), $"a probe of {sizes[i]} bytes was not answered");
        }
        // An unpadded probe never: its pong adds rx, tx and wc.
        Assert.DoesNotContain(0, answered);
        // A padded probe keeps as much padding as fits: its answer is exactly its size.
        Assert.Equal(probes[6].Length, answers.Single(a => a.Pong.Seq == -7).Length);
        Assert.Equal(answers.Count(a => a.Pong.Seq < 0), sizes.Length - (int)server.GetCounters().DroppedProbeTooSmall);
    }

    [Fact]
    public async Task Ping_Measured_PaddingEchoedInFull()
    {
        using var server = new UdpEchoServer(Loopback);
        Guid room = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token);
        using var client = new UdpTestClient(server.LocalEndpoint);
        var ping = UdpTestClient.Ping(room, token, RunId.New(), 0, 1_000_000, 128);
        Assert.True(PingCodec.TryReadPing(ping.AsSpan(UdpFrame.HeaderLength), out var fields));

        client.Send(ping);
        var (_, pong) = await client.ReceivePongAsync();

        Assert.Equal(fields.PadLength, pong.PadLength);
    }

    [Fact]
    public async Task Probe_OverTheRoomsBudget_DroppedUntilItRefills()
    {
        var time = new ManualTimeProvider();
        using var server = new UdpEchoServer(Loopback, time: time);
        Guid room = Guid.NewGuid();
        var token = UdpFrame.NewToken();
        server.RegisterRoom(room, token);
        using var client = new UdpTestClient(server.LocalEndpoint);
        var run = RunId.New();
        long seq = -1;
        byte[] NextProbe() => UdpTestClient.Ping(room, token, run, seq--);

        var burst = await SendThenFenceAsync(client, room, token, Enumerable.Range(0, UdpEchoRoom.ProbeBurst + 3).Select(_ => NextProbe()).ToList());
        Assert.Equal(UdpEchoRoom.ProbeBurst, burst.Count);
        Assert.Equal(3, server.GetCounters().DroppedProbeRateLimited);

        // Half a second refills one probe, no more.
        time.Advance(TimeSpan.FromTicks(UdpEchoRoom.ProbeIntervalNs / 100));
        var refill = await SendThenFenceAsync(client, room, token, [NextProbe(), NextProbe()]);
        Assert.Single(refill);
        Assert.Equal(4, server.GetCounters().DroppedProbeRateLimited);

        // A long pause refills the burst, never more than the burst.
        time.Advance(TimeSpan.FromMinutes(5));
        var again = await SendThenFenceAsync(client, room, token, Enumerable.Range(0, UdpEchoRoom.ProbeBurst + 1).Select(_ => NextProbe()).ToList());
        Assert.Equal(UdpEchoRoom.ProbeBurst, again.Count);

        // The budget is the room's: another room probes freely.
        Guid other = Guid.NewGuid();
        server.RegisterRoom(other, token);
        await client.PingAsync(other, token, run, -1);
    }

    [Fact]
    public async Task Runner_ReadinessProbeAgainstTheAgent_Answered()
    {
        await using var h = await AgentHarness.StartAsync();
        var room = await h.ConnectAsync("{\"platforms\":[\"udp\"]}");
        using var client = new UdpTestClient(room.Udp);
        var run = RunId.New();
        // What the runner sends with the default --payload-bytes 128: padded up to the probe floor.
        var probe = UdpTestClient.Ping(room.Id, room.Token, run, -1, 1_000_000, Math.Max(128, UdpFrame.MinProbeBytes));
        client.Send(probe);
        var (_, pong, length) = await client.ReceivePongWithLengthAsync();
        Assert.Equal(-1, pong.Seq);
        Assert.True(length <= probe.Length);
    }
}
