using System.Net;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>Trickle ICE through the facade, over loopback: candidates stripped from the SDP and sent on their own.</summary>
public sealed class PeerConnectionTrickleTests
{
    [Fact]
    public async Task LocalCandidates_OneHostCandidate_ParsesAndIsInTheOffer()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var candidate = Assert.Single(offerer.LocalCandidates);
        Assert.StartsWith("candidate:", candidate, StringComparison.Ordinal);
        Assert.True(IceCandidateLine.TryParse(candidate, out var line));
        Assert.Equal(offerer.LocalEndPoint, new IPEndPoint(IPAddress.Parse(line!.Address), line.Port));
        Assert.Equal(IceCandidateType.Host, line.Type);
        string offer = offerer.CreateOffer();
        Assert.Contains("a=" + candidate + "\r\n", offer, StringComparison.Ordinal);
        Assert.Contains("a=ice-options:trickle\r\n", offer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offerer_AnswerWithoutCandidates_CandidateTrickledAfterIt_Connects()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(WithoutCandidates(offerer.CreateOffer()), Options());
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(WithoutCandidates(answerer.LocalDescription!));

        foreach (var candidate in answerer.LocalCandidates)
        {
            Assert.True(offerer.AddRemoteCandidate(candidate));
        }

        offerer.AddRemoteEndOfCandidates();
        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        Assert.Equal(answerer.LocalEndPoint, offerer.SelectedPair!.Remote);
        Assert.Equal("host", offerer.SelectedPair.RemoteType); // Known from the trickled candidate, not prflx.
        Assert.Equal(1, offerer.RemoteCandidatesAdded);
    }

    [Fact]
    public async Task Offerer_CandidateTrickledBeforeTheAnswer_IsUsedOnceTheAnswerIsApplied()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        Assert.True(offerer.AddRemoteCandidate("a=" + answerer.LocalCandidates[0]));
        offerer.SetRemoteAnswer(WithoutCandidates(answerer.LocalDescription!));

        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
    }

    [Fact]
    public async Task UnsupportedCandidates_IgnoredAndCounted_TheConnectionIsUnaffected()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        string[] unsupported =
        [
            "candidate:2 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active",
            "candidate:3 1 udp 2122260223 1f5c8a3e-7a7d-4f1e-9c1d-0a1b2c3d4e5f.local 54321 typ host",
            "candidate:4 1 udp 2122197247 ::1 54321 typ host",
            "candidate:5 2 udp 2122260222 127.0.0.1 54322 typ host",
        ];
        foreach (var candidate in unsupported)
        {
            Assert.False(offerer.AddRemoteCandidate(candidate));
            Assert.False(answerer.AddRemoteCandidate(candidate));
        }

        Assert.Equal(4, offerer.RemoteCandidatesIgnored);
        Assert.Equal(4, answerer.RemoteCandidatesIgnored);
        Assert.True(await WithTimeout(channel.WhenOpen));
        Assert.Equal(1, offerer.RemoteCandidatesAdded); // The answer's host candidate.
    }

    [Theory]
    [InlineData("candidate:garbage")]
    [InlineData("candidate:1 1 udp notanumber 127.0.0.1 5000 typ host")]
    [InlineData("a=fingerprint:sha-256 00")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 70000 typ host")]
    public async Task AddRemoteCandidate_Malformed_ThrowsFormatException_AndTheConnectionStillWorks(string bad)
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        Assert.Throws<FormatException>(() => offerer.AddRemoteCandidate(bad));
        Assert.Throws<FormatException>(() => answerer.AddRemoteCandidate(bad));
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.Throws<FormatException>(() => offerer.AddRemoteCandidate(bad));
        Assert.True(await WithTimeout(channel.WhenOpen));
    }

    [Fact]
    public async Task AddRemoteCandidate_MutatedStrings_OnlyFormatExceptions_TheLoopKeepsRunning()
    {
        const int seed = 8839;
        var random = new Random(seed);
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options(o => o with { AnswererIceMode = AnswererIceMode.Full }));
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));

        const string valid = "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 10.0.0.2 rport 46154 generation 0 ufrag x network-cost 999";
        const string alphabet = " :.-/+0123456789abcdefghijklmnopqrstuvwxyz\t\u00e9";
        int rejected = 0;
        for (int i = 0; i < 3000; i++)
        {
            var chars = valid.ToCharArray();
            for (int m = random.Next(1, 4); m > 0; m--)
            {
                chars[random.Next(chars.Length)] = alphabet[random.Next(alphabet.Length)];
            }

            string text = new string(chars)[..random.Next(chars.Length + 1)];
            foreach (var pc in new[] { offerer, answerer })
            {
                try
                {
                    pc.AddRemoteCandidate(text);
                }
                catch (FormatException)
                {
                    rejected++;
                }
            }
        }

        Assert.True(rejected > 0, $"seed {seed}");
        var echoed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnMessage = (_, _, _, _) => echoed.TrySetResult(true);
        Assert.True(channel.SendText("still alive"u8));
        Assert.True(await WithTimeout(echoed.Task));
        Assert.Equal(PeerConnectionState.Connected, offerer.State);
        Assert.Equal(PeerConnectionState.Connected, answerer.State);
    }

    [Fact]
    public async Task AddRemoteCandidate_EmptyOrEndOfCandidates_IsEndOfCandidates()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        Assert.False(offerer.AddRemoteCandidate(""));
        Assert.False(offerer.AddRemoteCandidate("a=end-of-candidates"));
        Assert.Equal(0, offerer.RemoteCandidatesIgnored);
    }

    [Fact]
    public async Task AddRemoteCandidate_AfterTheConnectionEnded_ReturnsFalse()
    {
        var offerer = PeerConnection.CreateOfferer(Options());
        string candidate = offerer.LocalCandidates[0];
        await offerer.DisposeAsync();
        Assert.False(offerer.AddRemoteCandidate(candidate));
        offerer.AddRemoteEndOfCandidates();
    }

    /// <summary>Removes <c>a=candidate</c> and <c>a=end-of-candidates</c> lines (the m= port stays: it is not used).</summary>
    internal static string WithoutCandidates(string sdp)
    {
        var lines = sdp.Split("\r\n").Where(l => !l.StartsWith("a=candidate:", StringComparison.Ordinal) && l != "a=end-of-candidates");
        string stripped = string.Join("\r\n", lines);
        Assert.DoesNotContain("a=candidate", stripped, StringComparison.Ordinal);
        return stripped;
    }
}
