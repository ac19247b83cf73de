using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Tests.Sdp;

public sealed class SdpWriterTests
{
    public static TheoryData<string> Samples => new()
    {
        SdpSamples.ChromiumOffer,
        SdpSamples.JanusOffer,
        SdpSamples.JanusLegacyLiteAnswer,
        SdpSamples.LiveKitAnswer,
        SdpSamples.ChromiumOfferWithMedia,
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Write_ParsedSample_ParsesBackEqual(string text)
    {
        var first = SdpParserTests.Parse(text);

        var written = SdpWriter.Write(first);
        var second = SdpParserTests.Parse(written);

        Assert.Equal(first, second);
        Assert.Equal(written, SdpWriter.Write(second));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Write_CanonicalCrlfSample_ReproducesTextExactly(string text)
    {
        var crlf = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);

        Assert.Equal(crlf, SdpWriter.Write(SdpParserTests.Parse(text)));
    }

    [Fact]
    public void Write_Always_EndsEveryLineWithCrlf()
    {
        var written = SdpWriter.Write(SdpParserTests.Parse(SdpSamples.LiveKitAnswer));

        Assert.EndsWith("\r\n", written, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", written.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OtherLinesOutOfOrder_PutsThemInRfcOrder()
    {
        var sdp = SdpParserTests.Parse(SdpSamples.Crlf(
            "v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "b=AS:10", "i=info", "c=IN IP4 0.0.0.0",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "a=mid:0", "b=AS:30", "c=IN IP4 0.0.0.0", "i=media"));

        var expected = SdpSamples.Crlf(
            "v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "i=info", "c=IN IP4 0.0.0.0", "b=AS:10", "t=0 0",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "i=media", "c=IN IP4 0.0.0.0", "b=AS:30", "a=mid:0");
        Assert.Equal(expected, SdpWriter.Write(sdp));
    }

    [Fact]
    public void Write_ValueWithLineBreak_ThrowsArgumentException()
    {
        var sdp = SdpParserTests.Parse(SdpSamples.ChromiumOffer) with { SessionName = "a\r\na=ice-lite" };

        Assert.Throws<ArgumentException>(() => SdpWriter.Write(sdp));
    }
}
