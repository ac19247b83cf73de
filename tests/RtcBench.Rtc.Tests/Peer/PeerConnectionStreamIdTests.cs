using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Peer;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// DCEP stream ids across stacks that do not follow RFC 8832's parity rule: werift takes its parity from its ICE role,
/// Janus the lowest free id from 1. The other end emulates them with <see cref="PeerConnectionOptions.StreamIdRule"/>.
/// </summary>
public sealed class PeerConnectionStreamIdTests
{
    private const int RefusedEventId = 1001;

    [Fact]
    public async Task PeerOpensLowestFreeIds_SomeOfOurParity_AllOpenAndOurIdsSkipTheirs()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        string offer = offerer.CreateOffer();
        await using var janusLike = PeerConnection.AcceptOffer(offer, Options(o => o with { StreamIdRule = (1, 1) }));
        var theirs = new[] { janusLike.CreateDataChannel("a"), janusLike.CreateDataChannel("b"), janusLike.CreateDataChannel("c") };
        var openedAtUs = new ConcurrentDictionary<string, DataChannel>();
        offerer.DataChannelOpened += c => openedAtUs[c.Label] = c;
        EchoEverything(offerer);
        offerer.SetRemoteAnswer(janusLike.LocalDescription!);

        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.Equal(DtlsRole.Client, offerer.DtlsRole); // Even ids are ours by RFC 8832; the peer takes 2 anyway.
        foreach (var channel in theirs)
        {
            Assert.True(await WithTimeout(channel.WhenOpen), channel.ToString());
        }

        Assert.Equal([1, 2, 3], theirs.Select(c => c.StreamId));
        Assert.Equal(2, openedAtUs["b"].StreamId);

        var ours = new[] { offerer.CreateDataChannel("x"), offerer.CreateDataChannel("y") };
        foreach (var channel in ours)
        {
            Assert.True(await WithTimeout(channel.WhenOpen), channel.ToString());
        }

        Assert.Equal([0, 4], ours.Select(c => c.StreamId)); // 2 is the peer's.
        foreach (var channel in theirs)
        {
            var echoed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            channel.OnMessage = (_, m, _, _) => echoed.TrySetResult(Encoding.UTF8.GetString(m));
            Assert.True(channel.SendText(Encoding.UTF8.GetBytes("to " + channel.Label)));
            Assert.Equal("to " + channel.Label, await WithTimeout(echoed.Task));
        }

        Assert.Equal(0, offerer.DataChannelsRefused + janusLike.DataChannelsRefused);
    }

    [Fact]
    public async Task BothEndsOpenTheSameIdAtOnce_EachRefusesTheOtherOnce_LoggedAndCounted()
    {
        var ourLog = new CapturingLogger(RefusedEventId);
        var theirLog = new CapturingLogger(RefusedEventId);
        await using var offerer = PeerConnection.CreateOfferer(Options(o => o with { Logger = ourLog }));
        var mine = offerer.CreateDataChannel("mine");
        string offer = offerer.CreateOffer();
        await using var answerer = PeerConnection.AcceptOffer(offer, Options(o => o with { Logger = theirLog, StreamIdRule = (0, 2) }));
        var theirs = answerer.CreateDataChannel("theirs");
        offerer.SetRemoteAnswer(answerer.LocalDescription!);

        string ourLine = await WithTimeout(ourLog.WhenLogged);
        string theirLine = await WithTimeout(theirLog.WhenLogged);
        Assert.Equal(0, mine.StreamId);
        Assert.Equal(0, theirs.StreamId);
        Assert.Contains("'theirs' refused", ourLine, StringComparison.Ordinal);
        Assert.Contains("stream 0", ourLine, StringComparison.Ordinal);
        Assert.Contains("'mine' is opening at the same time", ourLine, StringComparison.Ordinal);
        Assert.Contains("'mine' refused", theirLine, StringComparison.Ordinal);
        Assert.Equal(1, offerer.DataChannelsRefused);
        Assert.Equal(1, answerer.DataChannelsRefused);
        Assert.Single(ourLog.Lines, l => l.EventId == RefusedEventId && l.Level == LogLevel.Information);
        Assert.Equal(DataChannelState.Connecting, mine.State);
    }
}
