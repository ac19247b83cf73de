using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Tests.Sdp;

public sealed class SdpParserTests
{
    [Fact]
    public void TryParse_ChromiumOffer_ReadsSessionAndDataSection()
    {
        var sdp = Parse(SdpSamples.ChromiumOffer, SdpType.Offer);

        Assert.Equal(SdpType.Offer, sdp.Type);
        Assert.Equal(new SdpOrigin("-", 4215775240449105457, 2, "IN", "IP4", "127.0.0.1"), sdp.Origin);
        Assert.Equal("-", sdp.SessionName);
        Assert.Equal("0 0", sdp.Timing);
        Assert.Equal(["0"], sdp.BundleMids);
        Assert.True(sdp.HasAttribute("extmap-allow-mixed"));
        Assert.Equal("WMS", sdp.MsidSemantic);
        Assert.False(sdp.IsIceLite);

        var m = Assert.Single(sdp.Media);
        Assert.Equal("application", m.Kind);
        Assert.Equal(9, m.Port);
        Assert.Equal("UDP/DTLS/SCTP", m.Proto);
        Assert.Equal(["webrtc-datachannel"], m.Formats);
        Assert.Equal(SdpConnection.Placeholder, m.Connection);
        Assert.True(m.IsDataChannel);
        Assert.False(m.IsLegacySctp);
        Assert.Equal("0", m.Mid);
        Assert.Equal("8hhY", m.IceUfrag);
        Assert.Equal("asd88fgpdd777uzjYhagZg3v", m.IcePwd);
        Assert.Equal(new SdpFingerprint("sha-256", SdpSamples.ChromiumFingerprint), Assert.Single(m.Fingerprints));
        Assert.Equal(SdpSetup.ActPass, m.Setup);
        Assert.Equal(5000, m.SctpPort);
        Assert.Equal(262144UL, m.MaxMessageSize);
        Assert.False(m.HasEndOfCandidates);

        var candidate = Assert.Single(m.Candidates);
        Assert.True(candidate.IsMdns);
        Assert.Equal("3b2f6c1e-0f7a-4e7c-9a45-9b8d1c2e3f40.local", candidate.Address);
        Assert.Equal(53841, candidate.Port);
        Assert.Equal("0", candidate.GetExtension("generation"));
        Assert.Equal("1", candidate.GetExtension("network-id"));
    }

    [Fact]
    public void TryParse_JanusOffer_KeepsSessionFingerprintAndUnknownAttributes()
    {
        var sdp = Parse(SdpSamples.JanusOffer);

        Assert.Equal(SdpType.Unknown, sdp.Type);
        Assert.Equal("Janus TextRoom plugin", sdp.SessionName);
        Assert.Equal(SdpFingerprint.Sha256, Assert.Single(sdp.Fingerprints).Algorithm);
        Assert.Equal(["trickle"], sdp.IceOptions);
        var m = Assert.Single(sdp.Media);
        Assert.Empty(m.Fingerprints);
        Assert.True(m.HasAttribute("sendrecv"));
        Assert.True(m.HasEndOfCandidates);
        Assert.Equal(2, m.Candidates.Count);
        var srflx = m.Candidates[1];
        Assert.Equal(IceCandidateType.ServerReflexive, srflx.Type);
        Assert.Equal("127.0.0.2", srflx.RelatedAddress);
        Assert.Equal(42131, srflx.RelatedPort);
    }

    [Fact]
    public void TryParse_JanusLegacyLiteAnswer_ReadsSctpMapAndIceLite()
    {
        var sdp = Parse(SdpSamples.JanusLegacyLiteAnswer, SdpType.Answer);

        Assert.True(sdp.IsIceLite);
        Assert.Equal(["data"], sdp.BundleMids);
        var m = Assert.Single(sdp.Media);
        Assert.True(m.IsDataChannel);
        Assert.True(m.IsLegacySctp);
        Assert.Equal(["5000"], m.Formats);
        Assert.Equal(42131, m.Port);
        Assert.Null(m.SctpPort);
        Assert.Equal(5000, m.SctpMapPort);
        Assert.Null(m.MaxMessageSize);
        Assert.Equal(SdpSetup.Active, m.Setup);
    }

    [Fact]
    public void TryParse_LiveKitAnswerWithLfLineEnds_ReadsTcpCandidate()
    {
        var sdp = Parse(SdpSamples.LiveKitAnswer, SdpType.Answer);

        Assert.True(sdp.IsIceLite);
        Assert.Equal("WMS*", sdp.MsidSemantic);
        var m = Assert.Single(sdp.Media);
        Assert.Equal(SdpSetup.Active, m.Setup);
        var tcp = m.Candidates[1];
        Assert.Equal("tcp", tcp.Transport);
        Assert.Equal("passive", tcp.TcpType);
        Assert.Equal(7881, tcp.Port);
    }

    [Fact]
    public void TryParse_OfferWithAudioAndVideo_KeepsEverySectionInOrder()
    {
        var sdp = Parse(SdpSamples.ChromiumOfferWithMedia);

        Assert.Equal(["audio", "video", "application"], sdp.Media.Select(m => m.Kind));
        Assert.Equal(["0", "1", "2"], sdp.BundleMids);
        Assert.False(sdp.Media[0].IsDataChannel);
        Assert.Equal(["111", "63"], sdp.Media[0].Formats);
        Assert.Equal(new SdpLine('b', "AS:2500"), Assert.Single(sdp.Media[1].OtherLines));
        Assert.True(sdp.Media[2].IsDataChannel);
    }

    [Fact]
    public void TryParse_BlankLinesMixedLineEndsAndReorderedAttributes_Accepted()
    {
        var text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\n\ns=-\r\nt=0 0\n"
            + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\n"
            + "a=max-message-size:1024\r\na=x-unknown:some value\na=sctp-port:5001\nc=IN IP6 ::\n\n";

        var sdp = Parse(text);

        var m = Assert.Single(sdp.Media);
        Assert.Equal(5001, m.SctpPort);
        Assert.Equal(1024UL, m.MaxMessageSize);
        Assert.Equal("some value", m.GetAttribute("x-unknown"));
        Assert.Equal(new SdpConnection("IN", "IP6", "::"), m.Connection);
    }

    [Fact]
    public void TryParse_PortCountAndFlagAttributes_Kept()
    {
        var sdp = Parse(SdpSamples.Crlf("v=0", "o=- 1 1 IN IP4 0.0.0.0", "s= ", "t=0 0", "m=audio 49170/2 RTP/AVP 0", "a=recvonly"));

        var m = Assert.Single(sdp.Media);
        Assert.Equal(2, m.PortCount);
        Assert.Equal(new SdpAttribute("recvonly"), Assert.Single(m.Attributes));
        Assert.Equal(" ", sdp.SessionName);
    }

    [Theory]
    [InlineData("o=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", "v=0")]
    [InlineData("v=0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", "missing o=")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", "missing s=")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", "missing t=")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=ice-lite\r\n", "no m= line")]
    [InlineData("v=0\r\no=- 1 2 IN IP4\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", "line 2: o=")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP\r\n", "line 5: m=")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=application 70000 UDP/DTLS/SCTP x\r\n", "line 5: m= port")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP x\r\nc=IN IP4\r\n", "line 6: c=")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP x\r\nhello\r\n", "line 6: not a")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP x\r\na=:x\r\n", "line 6: attribute")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP x\r\n", "line 4: unexpected or repeated s=")]
    public void TryParse_MissingOrMalformedRequiredLine_FailsWithClearError(string text, string expected)
    {
        Assert.False(SdpParser.TryParse(text, out var sdp, out var error));
        Assert.Null(sdp);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    internal static SessionDescription Parse(string text, SdpType type = SdpType.Unknown)
    {
        Assert.True(SdpParser.TryParse(text, type, out var sdp, out var error), error);
        Assert.Equal("", error);
        return sdp!;
    }
}
