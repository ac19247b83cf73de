using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Tests.Sdp;

public sealed class DataChannelSdpTests
{
    private static readonly IceCandidateLine Loopback = new("1", 1, "udp", 2130706431, "127.0.0.1", 50000, IceCandidateType.Host);

    private static DataChannelSdpOptions Options => new("Ab3d", "0123456789abcdefghijkl", new SdpFingerprint("sha-256", SdpSamples.OurFingerprint))
    {
        Candidates = new EquatableArray<IceCandidateLine>([Loopback]),
        SessionId = 1234567890,
    };

    [Theory]
    [InlineData(SdpSetup.Passive)]
    [InlineData(SdpSetup.Active)]
    public void CreateAnswer_ChromiumOfferAsIceLite_MatchesWorkingAnswerLineByLine(SdpSetup setup)
    {
        var offer = SdpParserTests.Parse(SdpSamples.ChromiumOffer, SdpType.Offer);

        var answer = DataChannelSdp.CreateAnswer(offer, Options with { IceLite = true, Setup = setup });

        // PROTOCOLS.md §1 "ICE-lite answer SDP": what Chromium 156 accepted in both DTLS roles.
        var expected = new[]
        {
            "v=0",
            "o=- 1234567890 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=ice-lite",
            "a=group:BUNDLE 0",
            "m=application 50000 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 127.0.0.1",
            "a=mid:0",
            "a=ice-ufrag:Ab3d",
            "a=ice-pwd:0123456789abcdefghijkl",
            "a=fingerprint:sha-256 " + SdpSamples.OurFingerprint,
            "a=setup:" + (setup == SdpSetup.Passive ? "passive" : "active"),
            "a=sctp-port:5000",
            "a=max-message-size:262144",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host",
            "a=end-of-candidates",
            "",
        };
        Assert.Equal(expected, SdpWriter.Write(answer).Split("\r\n"));
        Assert.Equal(SdpType.Answer, answer.Type);
    }

    [Fact]
    public void CreateAnswer_FullIce_WritesTrickleAndNoIceLite()
    {
        var offer = SdpParserTests.Parse(SdpSamples.ChromiumOffer, SdpType.Offer);

        var answer = DataChannelSdp.CreateAnswer(offer, Options);

        Assert.False(answer.IsIceLite);
        Assert.True(answer.Media[0].HasAttribute("ice-options"));
    }

    [Fact]
    public void CreateAnswer_OfferWithAudioAndVideo_RejectsMediaAndBundlesDataOnly()
    {
        var offer = SdpParserTests.Parse(SdpSamples.ChromiumOfferWithMedia, SdpType.Offer);

        var answer = DataChannelSdp.CreateAnswer(offer, Options with { IceLite = true });

        Assert.Equal(["2"], answer.BundleMids);
        Assert.Equal(3, answer.Media.Count);
        foreach (var (rejected, offered) in answer.Media.Take(2).Zip(offer.Media))
        {
            Assert.Equal(0, rejected.Port);
            Assert.Equal(offered.Kind, rejected.Kind);
            Assert.Equal(offered.Proto, rejected.Proto);
            Assert.Equal(offered.Formats, rejected.Formats);
            Assert.Equal(offered.Mid, rejected.Mid);
            Assert.Single(rejected.Attributes);
        }

        Assert.Equal(50000, answer.Media[2].Port);
        Assert.Equal("2", answer.Media[2].Mid);
        Assert.Equal(2, DataChannelSdp.Describe(answer).MediaIndex);
    }

    [Fact]
    public void CreateAnswer_LegacyOffer_AnswersWithSctpMap()
    {
        var offer = SdpParserTests.Parse(SdpSamples.Crlf(
            "v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0",
            "m=application 9 DTLS/SCTP 5000", "c=IN IP4 0.0.0.0", "a=ice-ufrag:abcd", "a=ice-pwd:0123456789012345678901",
            "a=fingerprint:sha-256 " + SdpSamples.JanusFingerprint, "a=setup:actpass", "a=sctpmap:5000 webrtc-datachannel 16"));

        var answer = DataChannelSdp.CreateAnswer(offer, Options with { SctpPort = 5000 });

        var m = Assert.Single(answer.Media);
        Assert.Equal("DTLS/SCTP", m.Proto);
        Assert.Equal(["5000"], m.Formats);
        Assert.Equal("5000 webrtc-datachannel 16", m.GetAttribute("sctpmap"));
        Assert.Null(m.Mid);
        Assert.Empty(answer.BundleMids);
        Assert.False(m.HasAttribute("max-message-size"));
    }

    [Fact]
    public void CreateAnswer_SetupConflictingWithOffer_Fails()
    {
        var offer = SdpParserTests.Parse(SdpSamples.ChromiumOffer.Replace("a=setup:actpass", "a=setup:active", StringComparison.Ordinal));

        Assert.False(DataChannelSdp.TryCreateAnswer(offer, Options with { Setup = SdpSetup.Active }, out var answer, out var error));
        Assert.Null(answer);
        Assert.Contains("setup:active", error, StringComparison.Ordinal);
        Assert.True(DataChannelSdp.TryCreateAnswer(offer, Options with { Setup = SdpSetup.Passive }, out _, out _));
        Assert.Throws<ArgumentException>(() => DataChannelSdp.CreateAnswer(offer, Options with { Setup = SdpSetup.ActPass }));
    }

    [Fact]
    public void CreateAnswer_OfferWithoutDataSection_Throws()
    {
        var offer = SdpParserTests.Parse(SdpSamples.Crlf("v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "m=audio 9 UDP/TLS/RTP/SAVPF 111"));

        var e = Assert.Throws<ArgumentException>(() => DataChannelSdp.CreateAnswer(offer, Options));
        Assert.Contains("no data-channel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateOffer_Defaults_FullIceActPassAndDescribesBack()
    {
        var offer = DataChannelSdp.CreateOffer(Options with { Candidates = default, EndOfCandidates = false });

        var text = SdpWriter.Write(offer);
        Assert.Contains("\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\na=setup:actpass\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\na=ice-options:trickle\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ice-lite", text, StringComparison.Ordinal);
        Assert.DoesNotContain("end-of-candidates", text, StringComparison.Ordinal);
        Assert.Equal(SdpType.Offer, offer.Type);

        var description = DataChannelSdp.Describe(SdpParserTests.Parse(text));
        Assert.Equal("0", description.Mid);
        Assert.Equal(SdpSetup.ActPass, description.Setup);
        Assert.Null(description.RemoteIsDtlsClient);
        Assert.Equal(262144UL, description.MaxMessageSize);
        Assert.True(description.IceTrickle);
        Assert.False(description.IceLite);
    }

    [Fact]
    public void CreateOffer_Ipv6Candidate_UsesIp6Connection()
    {
        var v6 = new IceCandidateLine("2", 1, "udp", 2130706431, "::1", 40000, IceCandidateType.Host);

        var offer = DataChannelSdp.CreateOffer(Options with { Candidates = new EquatableArray<IceCandidateLine>([v6]) });

        Assert.Equal(new SdpConnection("IN", "IP6", "::1"), offer.Media[0].Connection);
        Assert.Equal(40000, offer.Media[0].Port);
    }

    [Fact]
    public void CreateOffer_NoSessionId_PicksRandomIdBelow2Pow62()
    {
        var offer = DataChannelSdp.CreateOffer(Options with { SessionId = null });

        Assert.InRange(offer.Origin.SessionId, 1UL, 1UL << 62);
    }

    [Fact]
    public void Describe_ChromiumOffer_ExtractsPeerParameters()
    {
        var d = DataChannelSdp.Describe(SdpParserTests.Parse(SdpSamples.ChromiumOffer, SdpType.Offer));

        Assert.Equal("0", d.Mid);
        Assert.Equal("8hhY", d.IceUfrag);
        Assert.Equal("asd88fgpdd777uzjYhagZg3v", d.IcePwd);
        Assert.Equal(new SdpFingerprint("sha-256", SdpSamples.ChromiumFingerprint), d.Fingerprint);
        Assert.Equal(SdpSetup.ActPass, d.Setup);
        Assert.Equal(5000, d.SctpPort);
        Assert.Equal(262144UL, d.MaxMessageSize);
        Assert.True(Assert.Single(d.Candidates).IsMdns);
        Assert.False(d.IceLite);
        Assert.False(d.EndOfCandidates);
        Assert.True(d.IceTrickle);
        Assert.False(d.IsLegacySctp);
    }

    [Fact]
    public void Describe_JanusOffer_FallsBackToSessionFingerprint()
    {
        var d = DataChannelSdp.Describe(SdpParserTests.Parse(SdpSamples.JanusOffer));

        Assert.Equal(SdpSamples.JanusFingerprint, d.Fingerprint.Value);
        Assert.Equal(65536UL, d.MaxMessageSize);
        Assert.True(d.EndOfCandidates);
        Assert.Equal(2, d.Candidates.Count);
    }

    [Fact]
    public void Describe_JanusLegacyLiteAnswer_ReadsSctpMapPortIceLiteAndRole()
    {
        var d = DataChannelSdp.Describe(SdpParserTests.Parse(SdpSamples.JanusLegacyLiteAnswer));

        Assert.True(d.IceLite);
        Assert.True(d.IsLegacySctp);
        Assert.Equal(5000, d.SctpPort);
        Assert.Equal("data", d.Mid);
        Assert.Equal(SdpSetup.Active, d.Setup);
        Assert.True(d.RemoteIsDtlsClient);
        Assert.False(d.IceTrickle);
    }

    [Fact]
    public void Describe_LiveKitAnswer_DefaultsMaxMessageSize()
    {
        var d = DataChannelSdp.Describe(SdpParserTests.Parse(SdpSamples.LiveKitAnswer));

        Assert.True(d.IceLite);
        Assert.Equal("QvZTyvEAuWbRiOBk", d.IceUfrag);
        Assert.Equal(SdpSamples.LiveKitFingerprint, d.Fingerprint.Value);
        Assert.Equal(65536UL, d.MaxMessageSize);
        Assert.Equal(2, d.Candidates.Count);
    }

    [Fact]
    public void Describe_SeveralFingerprints_PrefersSha256()
    {
        var text = SdpSamples.ChromiumOffer.Replace(
            "a=fingerprint:sha-256", "a=fingerprint:sha-1 AA:BB\r\na=fingerprint:sha-256", StringComparison.Ordinal);

        var d = DataChannelSdp.Describe(SdpParserTests.Parse(text));

        Assert.Equal("sha-256", d.Fingerprint.Algorithm);
        Assert.Equal(2, d.Fingerprints.Count);
    }

    [Theory]
    [InlineData("a=ice-ufrag:8hhY\r\n", "", "ice-ufrag")]
    [InlineData("a=fingerprint:sha-256 " + SdpSamples.ChromiumFingerprint + "\r\n", "", "fingerprint")]
    [InlineData("a=fingerprint:sha-256 " + SdpSamples.ChromiumFingerprint, "a=fingerprint:sha-256 not-hex", "fingerprint")]
    [InlineData("a=sctp-port:5000", "a=sctp-port:99999999999999999999", "SCTP port")]
    [InlineData("a=max-message-size:262144", "a=max-message-size:lots", "max-message-size")]
    [InlineData("m=application 9", "m=application 0", "no data-channel")]
    [InlineData("a=ice-pwd:asd88fgpdd777uzjYhagZg3v", "a=ice-pwd:x", "a=ice-pwd must be 22 to 256 characters")]
    [InlineData("a=ice-ufrag:8hhY", "a=ice-ufrag:8h_Y", "a=ice-ufrag may hold only")]
    [InlineData("a=setup:actpass", "a=setup:holdconn", "a=setup:holdconn is not")]
    public void TryDescribe_MissingOrMalformedParameter_FailsWithReason(string find, string replace, string expected)
    {
        var sdp = SdpParserTests.Parse(SdpSamples.ChromiumOffer.Replace(find, replace, StringComparison.Ordinal));

        Assert.False(DataChannelSdp.TryDescribe(sdp, out var d, out var error));
        Assert.Null(d);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "0123456789abcdefghijkl")]
    [InlineData("ab cd", "0123456789abcdefghijkl")]
    [InlineData("Ab3d", "pwd\r\na=ice-lite")]
    public void CreateOffer_UnwritableCredentials_ThrowsArgumentException(string ufrag, string pwd)
    {
        Assert.Throws<ArgumentException>(() => DataChannelSdp.CreateOffer(Options with { IceUfrag = ufrag, IcePwd = pwd }));
    }
}
