using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Tests.Sdp;

public sealed class SdpHostileInputTests
{
    private const int Seed = 8866;

    [Fact]
    public void TryParse_RandomText_NeverThrowsAndFailsWithError()
    {
        var random = new Random(Seed);
        const string alphabet = "vosctma=:/ \r\n0123456789-abcxyz.\t\0é";
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 300)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var ok = SdpParser.TryParse(new string(chars), out var sdp, out var error);

            Assert.False(ok, $"seed {Seed}, case {i}");
            Assert.Null(sdp);
            Assert.NotEmpty(error);
        }
    }

    [Theory]
    [MemberData(nameof(SdpWriterTests.Samples), MemberType = typeof(SdpWriterTests))]
    public void TryParse_EveryTruncation_NeverThrows(string text)
    {
        for (var length = 0; length < text.Length; length++)
        {
            if (!SdpParser.TryParse(text[..length], out var sdp, out var error))
            {
                Assert.NotEmpty(error);
                continue;
            }

            UseEverything(sdp!);
        }
    }

    [Theory]
    [MemberData(nameof(SdpWriterTests.Samples), MemberType = typeof(SdpWriterTests))]
    public void TryParse_MutatedSamples_NeverThrow(string text)
    {
        var random = new Random(Seed);
        const string noise = " :=/\r\n-09aZ\u00ff\u0000";
        for (var i = 0; i < 500; i++)
        {
            var chars = text.ToCharArray();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
            {
                chars[random.Next(chars.Length)] = noise[random.Next(noise.Length)];
            }

            if (SdpParser.TryParse(new string(chars), out var sdp, out var error))
            {
                UseEverything(sdp!);
            }
            else
            {
                Assert.NotEmpty(error);
            }
        }
    }

    [Theory]
    [InlineData("o=- 184467440737095516160 2 IN IP4 127.0.0.1")]
    [InlineData("o=- 1 99999999999999999999999999999999 IN IP4 127.0.0.1")]
    [InlineData("o=- -1 2 IN IP4 127.0.0.1")]
    [InlineData("m=application 4294967296 UDP/DTLS/SCTP webrtc-datachannel")]
    [InlineData("m=application 9/99999999999 UDP/DTLS/SCTP webrtc-datachannel")]
    [InlineData("m=application 9/0 UDP/DTLS/SCTP webrtc-datachannel")]
    [InlineData("m=application -9 UDP/DTLS/SCTP webrtc-datachannel")]
    public void TryParse_HugeOrNegativeNumbers_Fails(string badLine)
    {
        var text = badLine[0] == 'o'
            ? SdpSamples.ChromiumOffer.Replace("o=- 4215775240449105457 2 IN IP4 127.0.0.1", badLine, StringComparison.Ordinal)
            : SdpSamples.ChromiumOffer.Replace("m=application 9 UDP/DTLS/SCTP webrtc-datachannel", badLine, StringComparison.Ordinal);

        Assert.False(SdpParser.TryParse(text, out _, out var error));
        Assert.Contains("line ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_HugeAttributeNumbers_ParseButDescribeRefuses()
    {
        var text = SdpSamples.ChromiumOffer.Replace("a=max-message-size:262144", "a=max-message-size:99999999999999999999999", StringComparison.Ordinal);

        var sdp = SdpParserTests.Parse(text);

        Assert.Null(sdp.Media[0].MaxMessageSize);
        Assert.False(DataChannelSdp.TryDescribe(sdp, out _, out _));
    }

    [Fact]
    public void TryParse_TooLongOrTooManySections_Fails()
    {
        var head = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
        var manySections = head + string.Concat(Enumerable.Repeat("m=application 0 UDP/DTLS/SCTP x\r\n", 300));
        var tooLong = head + "m=application 9 UDP/DTLS/SCTP x\r\na=x:" + new string('y', SdpParser.MaxLength) + "\r\n";

        Assert.False(SdpParser.TryParse(manySections, out _, out var manyError));
        Assert.Contains("media sections", manyError, StringComparison.Ordinal);
        Assert.False(SdpParser.TryParse(tooLong, out _, out var longError));
        Assert.Contains("longer than", longError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\r\n\r\n")]
    [InlineData("v=0")]
    [InlineData("v=1\r\n")]
    [InlineData("=\r\n")]
    [InlineData("v=0\r\nv=0\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP x\r\na=mid:0\u0001\r\n")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP x\r\na=mid:0\rinjected\r\n")]
    public void TryParse_Degenerate_FailsWithError(string? text)
    {
        Assert.False(SdpParser.TryParse(text, out var sdp, out var error));
        Assert.Null(sdp);
        Assert.NotEmpty(error);
    }

    private static void UseEverything(SessionDescription sdp)
    {
        _ = SdpWriter.Write(sdp);
        _ = (sdp.IsIceLite, sdp.BundleMids, sdp.IceOptions, sdp.Fingerprints, sdp.Setup, sdp.MsidSemantic, sdp.ToString());
        foreach (var m in sdp.Media)
        {
            _ = (m.Mid, m.IceUfrag, m.IcePwd, m.Fingerprints, m.Setup, m.SctpPort, m.SctpMapPort, m.MaxMessageSize, m.Candidates);
        }

        _ = DataChannelSdp.TryDescribe(sdp, out _, out _);
        var options = new DataChannelSdpOptions("abcd", "0123456789012345678901", new SdpFingerprint("sha-256", "AA")) { SessionId = 1 };
        _ = DataChannelSdp.TryCreateAnswer(sdp, options, out _, out _);
    }
}
