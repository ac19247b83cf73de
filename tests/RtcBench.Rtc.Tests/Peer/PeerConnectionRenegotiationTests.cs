using System.Text;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// Subsequent offers on a connected answerer (what LiveKit's SFU sends the subscriber connection when its session
/// changes): answered with the same transport, extra media rejected, and the connection carries on; what cannot be
/// followed (ICE restart, a new certificate, the data section moved) is refused with a reason.
/// </summary>
public sealed class PeerConnectionRenegotiationTests
{
    private const string AudioSection =
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendonly\r\na=rtpmap:111 opus/48000/2\r\n";

    [Theory]
    [InlineData(AnswererIceMode.Full)]
    [InlineData(AnswererIceMode.Lite)]
    public async Task SameOfferAgain_AndOfferWithAddedAudio_AnsweredWithTheSameTransport_ConnectionCarriesOn(AnswererIceMode mode)
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        string offer = offerer.CreateOffer();
        await using var answerer = PeerConnection.AcceptOffer(offer, Options(o => o with { AnswererIceMode = mode }));
        EchoEverything(answerer);
        string first = answerer.LocalDescription!;
        offerer.SetRemoteAnswer(first);
        Assert.True(await WithTimeout(channel.WhenOpen));
        await Echo(channel, "before");

        string again = answerer.AcceptRenegotiation(offer);
        string withAudio = answerer.AcceptRenegotiation(offer.Replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1", StringComparison.Ordinal) + AudioSection);

        Assert.Equal(2, answerer.Renegotiations);
        Assert.Equal(withAudio, answerer.LocalDescription);
        foreach (string answer in new[] { again, withAudio })
        {
            Assert.Equal(Line(first, "a=ice-ufrag:"), Line(answer, "a=ice-ufrag:"));
            Assert.Equal(Line(first, "a=ice-pwd:"), Line(answer, "a=ice-pwd:"));
            Assert.Equal(Line(first, "a=fingerprint:"), Line(answer, "a=fingerprint:"));
            Assert.Equal(Line(first, "a=setup:"), Line(answer, "a=setup:"));
            Assert.Equal(Origin(first).SessionId, Origin(answer).SessionId);
        }

        Assert.Equal(Origin(first).Version + 1, Origin(again).Version);
        Assert.Equal(Origin(first).Version + 2, Origin(withAudio).Version);
        Assert.Contains("m=audio 0 ", withAudio, StringComparison.Ordinal); // Rejected: we take data only.
        Assert.True(SdpParser.TryParse(withAudio, SdpType.Answer, out var parsed, out _));
        Assert.Equal(2, parsed!.Media.Count);

        await Echo(channel, "after");
        Assert.Equal(PeerConnectionState.Connected, answerer.State);
        Assert.Equal(1, answerer.RemoteCandidatesAdded + (mode == AnswererIceMode.Lite ? 1 : 0)); // No duplicate.
    }

    [Fact]
    public async Task IceRestart_NewCertificate_MovedDataSection_AreRefusedWithAReason_AndChangeNothing()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        offerer.CreateDataChannel("reliable");
        string offer = offerer.CreateOffer();
        await using var answerer = PeerConnection.AcceptOffer(offer, Options(o => o with { AnswererIceMode = AnswererIceMode.Full }));
        string answer = answerer.LocalDescription!;

        string ufrag = Line(offer, "a=ice-ufrag:");
        var restart = Assert.Throws<FormatException>(() => answerer.AcceptRenegotiation(offer.Replace(ufrag, "a=ice-ufrag:RsTr", StringComparison.Ordinal)));
        Assert.Contains("ICE restart is not supported", restart.Message, StringComparison.Ordinal);

        await using var other = PeerConnection.CreateOfferer(Options());
        string otherFingerprint = Line(other.CreateOffer(), "a=fingerprint:");
        var certificate = Assert.Throws<FormatException>(() => answerer.AcceptRenegotiation(offer.Replace(Line(offer, "a=fingerprint:"), otherFingerprint, StringComparison.Ordinal)));
        Assert.Contains("DTLS certificate", certificate.Message, StringComparison.Ordinal);

        var moved = Assert.Throws<FormatException>(() => answerer.AcceptRenegotiation(offer.Replace("a=mid:0", "a=mid:7", StringComparison.Ordinal).Replace("BUNDLE 0", "BUNDLE 7", StringComparison.Ordinal)));
        Assert.Contains("moves the data section", moved.Message, StringComparison.Ordinal);

        Assert.Equal(answer, answerer.LocalDescription);
        Assert.Equal(0, answerer.Renegotiations);
        Assert.Throws<InvalidOperationException>(() => offerer.AcceptRenegotiation(offer));
    }

    private static string Line(string sdp, string prefix) =>
        sdp.Split("\r\n").First(l => l.StartsWith(prefix, StringComparison.Ordinal));

    private static (string SessionId, ulong Version) Origin(string sdp)
    {
        string[] parts = Line(sdp, "o=").Split(' ');
        return (parts[1], ulong.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task Echo(DataChannel channel, string text)
    {
        var echoed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnMessage = (_, m, _, _) => echoed.TrySetResult(Encoding.UTF8.GetString(m));
        Assert.True(channel.SendText(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(text, await WithTimeout(echoed.Task));
    }
}
