using System.Text;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// We send SCTP INIT whatever our DTLS role. werift sends INIT only when it is ICE-controlling, so as an answerer
/// (ICE-controlled) with <c>a=setup:active</c> (DTLS client) it waits for ours; the other end here emulates that with
/// <see cref="PeerConnectionOptions.SendSctpInit"/> false. Both ends sending INIT is covered by every other loopback test.
/// </summary>
public sealed class PeerConnectionSctpInitTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PeerNeverSendsInit_WeAreTheDtlsServer_WeInitiateAndTheChannelEchoes(bool weOffer)
    {
        // weOffer: the werift-like answerer is a full, ICE-controlled DTLS client; else the werift-like offerer
        // is the DTLS client and our lite answerer is the DTLS server.
        var silent = Options(o => o with { SendSctpInit = false });
        await using var offerer = PeerConnection.CreateOfferer(weOffer ? Options() : silent);
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), weOffer
            ? silent with { AnswererIceMode = AnswererIceMode.Full, AnswerSetup = SdpSetup.Active }
            : Options());
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);

        var ours = weOffer ? offerer : answerer;
        var theirs = weOffer ? answerer : offerer;
        Assert.Equal(PeerOutcome.Success, await WithTimeout(ours.WhenConnected));
        Assert.Equal(PeerOutcome.Success, await WithTimeout(theirs.WhenConnected));
        Assert.Equal(DtlsRole.Server, ours.DtlsRole);
        Assert.Equal(RtcBench.Rtc.Ice.IceRole.Controlled, answerer.IceRole);
        Assert.Equal(0, theirs.Sctp!.Stats.InitsSent);
        Assert.True(ours.Sctp!.Stats.InitsSent >= 1);

        Assert.True(await WithTimeout(channel.WhenOpen));
        var echoed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnMessage = (_, m, _, _) => echoed.TrySetResult(Encoding.UTF8.GetString(m));
        Assert.True(channel.SendText("hello"u8));
        Assert.Equal("hello", await WithTimeout(echoed.Task));
    }
}
