using System.Text;
using RtcBench.Agent.Platforms.Udp;
using RtcBench.Agent.Tests.Support;
using RtcBench.Core.Protocol;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Tests;

/// <summary>Hostile datagrams never stop the echo; each kind is dropped and counted under its own counter.</summary>
public sealed class UdpGarbageTests : IAsyncLifetime, IDisposable
{
    private AgentHarness _h = null!;
    private AgentHarness.Room _room = null!;
    private UdpTestClient _client = null!;
    private readonly RunId _fenceRun = RunId.New();
    private long _fenceSeq;

    public async Task InitializeAsync()
    {
        _h = await AgentHarness.StartAsync();
        _room = await _h.ConnectAsync();
        _client = new UdpTestClient(_room.Udp);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    public void Dispose() => _client.Dispose();

    private UdpEchoCounters Counters => _h.Agent.UdpServer.GetCounters();

    /// <summary>Sends the datagrams, then a valid ping whose pong proves the server judged them all and still echoes.</summary>
    private async Task<UdpEchoCounters> SendThenFenceAsync(IEnumerable<byte[]> datagrams)
    {
        foreach (var d in datagrams)
        {
            _client.Send(d);
        }
        await _client.PingAsync(_room.Id, _room.Token, _fenceRun, _fenceSeq++);
        return Counters;
    }

    [Fact]
    public async Task RandomBytes_CountedMalformed_EchoContinues()
    {
        var random = new Random(1234);
        var datagrams = Enumerable.Range(0, 200).Select(_ =>
        {
            var d = new byte[random.Next(0, 300)];
            random.NextBytes(d);
            return d;
        }).ToList();
        var before = Counters;
        var after = await SendThenFenceAsync(datagrams);
        Assert.Equal(before.DroppedMalformed + 200, after.DroppedMalformed);
        Assert.Equal(before.Echoed + 1, after.Echoed);
    }

    [Fact]
    public async Task TruncatedHeaders_CountedMalformed()
    {
        var full = UdpTestClient.Ping(_room.Id, _room.Token, RunId.New(), 0);
        var datagrams = Enumerable.Range(0, UdpFrame.HeaderLength).Select(n => full[..n]).ToList();
        var before = Counters;
        var after = await SendThenFenceAsync(datagrams);
        Assert.Equal(before.DroppedMalformed + UdpFrame.HeaderLength, after.DroppedMalformed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json at all")]
    [InlineData("{\"v\":1,\"t\":\"pong\",\"run\":\"00000000000000000000000000000000\",\"seq\":1,\"ts\":1.000,\"rx\":1.000,\"tx\":1.000,\"wc\":1}")]
    [InlineData("{\"v\":2,\"t\":\"ping\",\"run\":\"00000000000000000000000000000000\",\"seq\":1,\"ts\":1.000}")]
    [InlineData("{\"v\":1,\"t\":\"ping\",\"run\":\"zz\",\"seq\":1,\"ts\":1.000}")]
    [InlineData("{\"v\":1,\"t\":\"ping\",\"run\":\"00000000000000000000000000000000\",\"seq\":1,\"ts\":-5}")]
    [InlineData("{\"v\":1,\"t\":\"ping\",\"run\":\"00000000000000000000000000000000\",\"seq\":1,\"ts\":1.000}trailing")]
    public async Task ValidHeaderBadJson_CountedMalformed(string payload)
    {
        var before = Counters;
        var after = await SendThenFenceAsync([UdpTestClient.Frame(_room.Id, _room.Token, Encoding.UTF8.GetBytes(payload))]);
        Assert.Equal(before.DroppedMalformed + 1, after.DroppedMalformed);
    }

    [Fact]
    public async Task PongTypedFrame_CountedMalformed()
    {
        var json = new byte[256];
        int n = PingCodec.WritePing(json, RunId.New(), 0, 1000, 0);
        var before = Counters;
        var after = await SendThenFenceAsync([UdpTestClient.Frame(_room.Id, _room.Token, json.AsSpan(0, n), UdpFrame.TypeFromEcho)]);
        Assert.Equal(before.DroppedMalformed + 1, after.DroppedMalformed);
    }

    [Fact]
    public async Task WrongToken_CountedBadToken()
    {
        var token = (byte[])_room.Token.Clone();
        token[15] ^= 1;
        var before = Counters;
        var after = await SendThenFenceAsync([UdpTestClient.Ping(_room.Id, token, RunId.New(), 0)]);
        Assert.Equal(before.DroppedBadToken + 1, after.DroppedBadToken);
        Assert.Equal(before.Echoed + 1, after.Echoed);
    }

    [Fact]
    public async Task UnknownRoom_CountedUnknownRoom()
    {
        var before = Counters;
        var after = await SendThenFenceAsync([UdpTestClient.Ping(Guid.NewGuid(), _room.Token, RunId.New(), 0)]);
        Assert.Equal(before.DroppedUnknownRoom + 1, after.DroppedUnknownRoom);
    }

    [Fact]
    public async Task Oversize_CountedOversize()
    {
        var big = new byte[UdpFrame.MaxDatagram + 100];
        UdpFrame.WriteHeader(big, UdpFrame.TypeToEcho, _room.Id, _room.Token);
        var huge = new byte[60_000];
        var before = Counters;
        var after = await SendThenFenceAsync([big, huge]);
        Assert.Equal(before.DroppedOversize + 2, after.DroppedOversize);
    }

    [Fact]
    public async Task ReplayedDatagram_CountedReplayedAndNotEchoed()
    {
        var run = RunId.New();
        var ping = UdpTestClient.Ping(_room.Id, _room.Token, run, 3);
        _client.Send(ping);
        var (_, first) = await _client.ReceivePongAsync();
        Assert.Equal(3, first.Seq);
        var before = Counters;
        var after = await SendThenFenceAsync([ping, ping]);
        Assert.Equal(before.DroppedReplayed + 2, after.DroppedReplayed);
        Assert.Equal(before.Echoed + 1, after.Echoed);
    }

    [Fact]
    public async Task MutatedPings_NeverStopTheEcho()
    {
        var random = new Random(99);
        var run = RunId.New();
        var datagrams = new List<byte[]>();
        for (int i = 0; i < 300; i++)
        {
            var d = UdpTestClient.Ping(_room.Id, _room.Token, run, 1_000_000 + i, 5_000_000, 120);
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                d[random.Next(UdpFrame.HeaderLength, d.Length)] = (byte)random.Next(256);
            }
            datagrams.Add(d);
        }
        foreach (var d in datagrams)
        {
            _client.Send(d);
        }
        // Some mutations still parse and get echoed: read until the fence pong arrives.
        var fenceRun = RunId.New();
        _client.Send(UdpTestClient.Ping(_room.Id, _room.Token, fenceRun, 0));
        while (true)
        {
            var (_, pong) = await _client.ReceivePongAsync();
            if (pong.RunId == fenceRun)
            {
                break;
            }
        }
        var c = Counters;
        Assert.Equal(c.Received, c.Echoed + c.DroppedMalformed + c.DroppedUnknownRoom + c.DroppedBadToken
            + c.DroppedReplayed + c.DroppedExpired + c.DroppedOversize + c.DroppedInjected
            + c.DroppedProbeRateLimited + c.DroppedProbeTooSmall);
    }
}
