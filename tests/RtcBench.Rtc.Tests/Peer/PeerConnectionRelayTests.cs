using System.Net;
using System.Text;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Tests.Turn;
using RtcBench.Rtc.Turn;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// TURN relay candidates through the facade against a real coturn on loopback (<see cref="CoturnServer"/>): relay-only
/// ICE (LiveKit's force_relay) with an ICE-lite and a full answerer, a relay beside the host candidate, and the failure
/// paths (wrong credential, nothing usable among the ICE servers).
/// </summary>
public sealed class PeerConnectionRelayTests(CoturnServer coturn) : IClassFixture<CoturnServer>
{
    private RtcIceServer Turn(string password = CoturnServer.Password) =>
        new([$"turn:127.0.0.1:{coturn.Endpoint.Port}?transport=udp"], CoturnServer.Username, password);

    private PeerConnectionOptions RelayOnly(string password = CoturnServer.Password) =>
        Options(o => o with { IceServers = [Turn(password)], IceTransportPolicy = IceTransportPolicy.Relay });

    [Fact]
    public async Task LocalCandidateGathered_SubscribedAfterTheAllocation_GetsTheRelayCandidateOnce()
    {
        await using var offerer = PeerConnection.CreateOfferer(RelayOnly());
        offerer.CreateDataChannel("reliable");
        await WithTimeout(offerer.WhenGatheringComplete.ContinueWith(_ => true));

        var late = new List<string>();
        offerer.LocalCandidateGathered += (_, c) => late.Add(c); // after the event was raised: replayed at once

        string relay = Assert.Single(offerer.LocalCandidates);
        Assert.Contains(" typ relay ", relay, StringComparison.Ordinal);
        Assert.Equal([relay], late);
    }

    [Fact]
    public async Task RelayOnlyOfferer_LiteAnswerer_EverythingGoesThroughCoturn_500EchoesByteExact()
    {
        await using var offerer = PeerConnection.CreateOfferer(RelayOnly());
        var gathered = new List<string>();
        offerer.LocalCandidateGathered += (_, c) => gathered.Add(c);
        var channel = offerer.CreateDataChannel("reliable");
        await WithTimeout(offerer.WhenGatheringComplete.ContinueWith(_ => true));

        var relay = Assert.Single(offerer.LocalCandidates); // No host candidate under the relay policy.
        Assert.Contains(" typ relay raddr 127.0.0.1 rport " + offerer.LocalEndPoint.Port, relay, StringComparison.Ordinal);
        Assert.Equal([relay], gathered);
        Assert.StartsWith("relay 127.0.0.1:", offerer.RelayStatus, StringComparison.Ordinal);
        string offer = offerer.CreateOffer();
        Assert.DoesNotContain("a=candidate", offer, StringComparison.Ordinal);
        Assert.DoesNotContain("a=end-of-candidates", offer, StringComparison.Ordinal);

        await using var answerer = PeerConnection.AcceptOffer(offer, Options());
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.Equal(PeerOutcome.Success, await WithTimeout(answerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));

        var pair = offerer.SelectedPair!;
        Assert.Equal("relay", pair.LocalType);
        Assert.Equal(offerer.Turn!.RelayedAddress, pair.Local);
        Assert.InRange(pair.Local.Port, coturn.MinRelayPort, coturn.MaxRelayPort);
        Assert.Equal(answerer.LocalEndPoint, pair.Remote);
        Assert.Equal(pair.Local, answerer.SelectedPair!.Remote); // The answerer only ever saw the relayed address.

        await EchoMany(channel, 500);
        Assert.NotEqual(0, offerer.Turn.GetBoundChannel(answerer.LocalEndPoint)); // Data rides ChannelData once bound.
        Assert.Equal(0, offerer.Dropped + answerer.Dropped);
        Assert.Equal(0, offerer.Socket.DroppedOther);
    }

    [Fact]
    public async Task RelayOnlyOfferer_FullAnswerer_RelayCandidateTrickled_ConnectsOverTheRelay()
    {
        await using var offerer = PeerConnection.CreateOfferer(RelayOnly());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(),
            Options(o => o with { AnswererIceMode = AnswererIceMode.Full }));
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);

        // The relay candidate reaches the answerer by trickle only, after both descriptions.
        await WithTimeout(offerer.WhenGatheringComplete.ContinueWith(_ => true));
        Assert.True(answerer.AddRemoteCandidate(Assert.Single(offerer.LocalCandidates)));
        answerer.AddRemoteEndOfCandidates();

        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.Equal(PeerOutcome.Success, await WithTimeout(answerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        await EchoMany(channel, 50);
        Assert.Equal("relay", offerer.SelectedPair!.LocalType);
        Assert.Equal("relay", answerer.SelectedPair!.RemoteType); // Known from the trickled candidate.
        Assert.Equal(offerer.Turn!.RelayedAddress, answerer.SelectedPair.Remote);
    }

    [Fact]
    public async Task PolicyAll_WithTurn_HostAndRelayCandidates_ConnectsAndReportsTheRelay()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options(o => o with { IceServers = [Turn()] }));
        var channel = offerer.CreateDataChannel("reliable");
        await WithTimeout(offerer.WhenGatheringComplete.ContinueWith(_ => true));
        Assert.Equal(2, offerer.LocalCandidates.Count);
        Assert.Contains(" typ host", offerer.LocalCandidates[0], StringComparison.Ordinal);
        Assert.Contains(" typ relay ", offerer.LocalCandidates[1], StringComparison.Ordinal);
        string offer = offerer.CreateOffer();
        Assert.Contains("typ host", offer, StringComparison.Ordinal); // The host candidate stays in the SDP.

        await using var answerer = PeerConnection.AcceptOffer(offer, Options(o => o with { AnswererIceMode = AnswererIceMode.Full }));
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        answerer.AddRemoteCandidate(offerer.LocalCandidates[1]);
        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        await EchoMany(channel, 20);
        Assert.StartsWith("relay 127.0.0.1:", offerer.RelayStatus, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CandidatesTrickledBeforeTheAnswer_WhileTheLoopAlreadyRunsForGathering_ReachIce(bool withTurn)
    {
        // With a TURN server the loop starts at creation (to allocate), before the ICE agent exists: a candidate and
        // end-of-candidates trickled then must still reach the agent once the answer creates it (found by the LiveKit
        // client: the SFU's first trickle can overtake its answer).
        await using var offerer = PeerConnection.CreateOfferer(withTurn ? Options(o => o with { IceServers = [Turn()] }) : Options());
        var channel = offerer.CreateDataChannel("reliable");
        await WithTimeout(offerer.WhenGatheringComplete.ContinueWith(_ => true));
        await using var answerer = PeerConnection.AcceptOffer(PeerConnectionTrickleTests.WithoutCandidates(offerer.CreateOffer()), Options());
        EchoEverything(answerer);

        Assert.True(offerer.AddRemoteCandidate(Assert.Single(answerer.LocalCandidates)));
        offerer.AddRemoteEndOfCandidates();
        if (withTurn)
        {
            await WaitUntilAsync(() => offerer.RemoteCandidatesAdded == 1); // Processed by the running loop.
        }

        offerer.SetRemoteAnswer(PeerConnectionTrickleTests.WithoutCandidates(answerer.LocalDescription!));
        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.True(await WithTimeout(channel.WhenOpen));
        Assert.Equal(answerer.LocalEndPoint, offerer.SelectedPair!.Remote);
    }

    [Fact]
    public async Task RelayOnly_WrongCredential_FailsQuicklyWithTheTurnError_AndNeverShowsThePassword()
    {
        const string wrong = "not-the-password-4711";
        await using var offerer = PeerConnection.CreateOfferer(RelayOnly(wrong));
        offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        offerer.SetRemoteAnswer(answerer.LocalDescription!);

        var outcome = await WithTimeout(offerer.WhenConnected);
        Assert.False(outcome.Connected);
        Assert.Equal(PeerPhase.Ice, outcome.Phase);
        Assert.Contains(nameof(TurnError.Unauthorized), outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(PeerFailureReason.RelayFailed, outcome.Cause);
        Assert.Contains("401", offerer.RelayStatus, StringComparison.Ordinal);
        Assert.True(offerer.WhenGatheringComplete.IsCompleted);
        Assert.DoesNotContain(wrong, outcome.Reason + offerer.RelayStatus + RelayOnly(wrong).IceServers[0], StringComparison.Ordinal);
        Assert.Empty(offerer.LocalCandidates);
    }

    [Fact]
    public async Task NoUsableTurnServer_PolicyAll_GatheringCompleteAtOnce_StatusSaysWhy_ConnectsOnHost()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options(o => o with
        {
            IceServers = [new RtcIceServer(["stun:127.0.0.1:3478", "turns:turn.example:5349?transport=tcp"], "u", "p")],
        }));
        Assert.True(offerer.WhenGatheringComplete.IsCompleted);
        Assert.Contains("only UDP turn: URLs are supported", offerer.RelayStatus, StringComparison.Ordinal);
        Assert.Contains("a=end-of-candidates", offerer.CreateOffer(), StringComparison.Ordinal);
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.LocalDescription!, Options());
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.Equal(PeerOutcome.Success, await WithTimeout(offerer.WhenConnected));
        Assert.Equal("host", offerer.SelectedPair!.LocalType);
        Assert.True(await WithTimeout(channel.WhenOpen));
    }

    [Fact]
    public async Task InvalidRelayOptions_AreRefusedWithOneMessageEach()
    {
        var noTurn = Assert.Throws<ArgumentException>(() => PeerConnection.CreateOfferer(Options(o => o with
        {
            IceServers = [new RtcIceServer(["turns:turn.example:443?transport=tcp"], "u", "p")],
            IceTransportPolicy = IceTransportPolicy.Relay,
        })));
        Assert.Contains("Relay needs a turn: ICE server over UDP", noTurn.Message, StringComparison.Ordinal);

        var noCredential = Assert.Throws<ArgumentException>(() => PeerConnection.CreateOfferer(Options(o => o with
        {
            IceServers = [new RtcIceServer(["turn:127.0.0.1:3478"])],
        })));
        Assert.Contains("needs a username and a credential", noCredential.Message, StringComparison.Ordinal);

        await using var offerer = PeerConnection.CreateOfferer(Options());
        var lite = Assert.Throws<ArgumentException>(() => PeerConnection.AcceptOffer(
            offerer.CreateOffer(), Options(o => o with { IceServers = [Turn()] })));
        Assert.Contains("need a full ICE agent", lite.Message, StringComparison.Ordinal);
    }

    private static async Task EchoMany(DataChannel channel, int count)
    {
        var received = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnMessage = (_, m, _, _) =>
        {
            lock (received)
            {
                received.Add(Encoding.UTF8.GetString(m));
                if (received.Count == count)
                {
                    done.TrySetResult();
                }
            }
        };
        for (int i = 0; i < count; i++)
        {
            Assert.True(channel.SendText(Encoding.UTF8.GetBytes($"ping {i} " + new string('x', i % 700))));
        }

        await WithTimeout(done.Task.ContinueWith(_ => true), 30000);
        lock (received)
        {
            Assert.Equal(Enumerable.Range(0, count).Select(i => $"ping {i} " + new string('x', i % 700)), received);
        }
    }
}
