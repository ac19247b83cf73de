using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>
/// <see cref="SctpAssociation.HandleInputDeferringSack"/>: a SACK bundled ahead of DATA waits until the message was
/// taken, and the association then ends exactly as if the packet had been handled in order.
/// </summary>
public sealed class SctpDeferredSackTests
{
    private const uint PeerTag = 0x1122_3344;
    private const uint PeerTsn = 1000;
    private static readonly long Ms = RtcTime.NsPerMs;

    private static byte[] Packet(uint tag, params SctpChunk[] chunks) => SctpPacketWriter.Build(new SctpCommonHeader(5000, 5000, tag), chunks);

    /// <summary>An association established by a peer's INIT and COOKIE-ECHO at 0 and 1 ms, our message "pong" in flight.</summary>
    private static (SctpAssociation Ours, uint OurTag, uint OurTsn) WithPongInFlight()
    {
        var ours = new SctpAssociation(new SctpOptions { Random = new Random(1) });
        ours.HandleInput(0, Packet(0, new InitChunk
        {
            InitiateTag = PeerTag, AdvertisedReceiverWindow = 1 << 20, OutboundStreams = 16, InboundStreams = 16, InitialTsn = PeerTsn,
            Parameters = [SctpTlv.Empty(SctpParameterType.ForwardTsnSupported)],
        }));
        Assert.True(ours.TryPollTransmit(out var initAckPacket));
        var reader = new SctpChunkReader(initAckPacket.AsSpan(12));
        Assert.True(reader.TryNext(out var chunk));
        Assert.True(InitAckChunk.TryRead(chunk, out var ack));
        ours.HandleInput(Ms, Packet(ack.InitiateTag, new CookieEchoChunk { Cookie = ack.StateCookie! }));
        Assert.Equal(SctpState.Established, ours.State);
        while (ours.TryPollTransmit(out _))
        {
        }

        while (ours.TryPollEvent(out _))
        {
        }

        Assert.True(ours.Send(1, 51, "pong"u8));
        Assert.True(ours.TryPollTransmit(out _));
        Assert.Equal(4, ours.BufferedAmount);
        return (ours, ack.InitiateTag, ack.InitialTsn);
    }

    /// <summary>The peer's answer at 11 ms: a SACK for our "pong", then its next "ping".</summary>
    private static byte[] SackThenPing(uint ourTag, uint ourTsn) => Packet(ourTag,
        new SackChunk { CumulativeTsnAck = ourTsn, AdvertisedReceiverWindow = 1 << 20 },
        new DataChunk { Tsn = PeerTsn, StreamId = 1, Ssn = 0, Ppid = 51, Flags = DataChunk.FlagBeginning | DataChunk.FlagEnding, UserData = "ping"u8.ToArray() });

    [Fact]
    public void SackBeforeData_MessageTakenFirst_ThenTheSameStateAsInOrder()
    {
        var (inOrder, tag, tsn) = WithPongInFlight();
        var deferred = WithPongInFlight().Ours; // same seed: the same tags and TSNs
        inOrder.HandleInput(11 * Ms, SackThenPing(tag, tsn));
        deferred.HandleInputDeferringSack(11 * Ms, SackThenPing(tag, tsn));

        Assert.Equal(0, inOrder.BufferedAmount);
        Assert.True(deferred.HasDeferredSack);
        Assert.Equal(4, deferred.BufferedAmount); // the SACK is read, not yet acted on
        Assert.True(deferred.TryPollEvent(out var ev, out var message));
        Assert.Null(ev);
        Assert.Equal("ping"u8.ToArray(), message.Data.ToArray());
        Assert.True(deferred.HasDeferredSack); // taking the message does not complete it

        deferred.CompleteDeferredSack();
        Assert.False(deferred.HasDeferredSack);
        Assert.Equal(inOrder.BufferedAmount, deferred.BufferedAmount);
        Assert.Equal(10 * Ms, deferred.SmoothedRttNs); // the SACK's own packet time, not when it was acted on
        Assert.Equal(inOrder.SmoothedRttNs, deferred.SmoothedRttNs);
        Assert.Equal(inOrder.RtoNs, deferred.RtoNs);
        Assert.Equal(inOrder.NextTimeoutNs, deferred.NextTimeoutNs);
        Assert.Equal(inOrder.Stats.SacksReceived, deferred.Stats.SacksReceived);
    }

    [Fact]
    public void DeferredSack_CompletedByTheNextSend_BeforeItsData()
    {
        var (ours, tag, tsn) = WithPongInFlight();
        ours.HandleInputDeferringSack(11 * Ms, SackThenPing(tag, tsn));
        Assert.True(ours.TryPollEvent(out _, out _));
        Assert.True(ours.Send(1, 51, "pong"u8)); // the echo
        Assert.False(ours.HasDeferredSack);
        Assert.Equal(4, ours.BufferedAmount); // the first pong acknowledged, the second in the buffer
        Assert.Equal(10 * Ms, ours.SmoothedRttNs);
    }

    [Fact]
    public void DeferredSack_CompletedByATransmitPollOrTimeout()
    {
        var (byPoll, tag, tsn) = WithPongInFlight();
        byPoll.HandleInputDeferringSack(11 * Ms, SackThenPing(tag, tsn));
        byPoll.TryPollTransmit(out _);
        Assert.False(byPoll.HasDeferredSack);
        Assert.Equal(0, byPoll.BufferedAmount);

        var byTimeout = WithPongInFlight().Ours;
        byTimeout.HandleInputDeferringSack(11 * Ms, SackThenPing(tag, tsn));
        byTimeout.HandleTimeout(12 * Ms);
        Assert.False(byTimeout.HasDeferredSack);
        Assert.Equal(0, byTimeout.BufferedAmount);
        Assert.Equal(0, byTimeout.Stats.T3Expirations);
    }

    [Fact]
    public void SackWithoutData_OrFollowedByAnotherChunk_NotDeferred()
    {
        var (alone, tag, tsn) = WithPongInFlight();
        alone.HandleInputDeferringSack(11 * Ms, Packet(tag, new SackChunk { CumulativeTsnAck = tsn, AdvertisedReceiverWindow = 1 << 20 }));
        Assert.False(alone.HasDeferredSack);
        Assert.Equal(0, alone.BufferedAmount);

        var withHeartbeat = WithPongInFlight().Ours;
        withHeartbeat.HandleInputDeferringSack(11 * Ms, Packet(tag,
            new SackChunk { CumulativeTsnAck = tsn, AdvertisedReceiverWindow = 1 << 20 },
            HeartbeatChunk.WithInfo(new byte[8])));
        Assert.False(withHeartbeat.HasDeferredSack); // only DATA passes ahead of a waiting SACK
        Assert.Equal(0, withHeartbeat.BufferedAmount);
    }
}
