using RtcBench.LiveKit.Signalling;

namespace RtcBench.LiveKit.Tests.Signalling;

public sealed class SignalUrlsTests
{
    [Theory]
    [InlineData("https://project.livekit.cloud", "wss://project.livekit.cloud/rtc", "https://project.livekit.cloud/rtc/validate")]
    [InlineData("wss://project.livekit.cloud/", "wss://project.livekit.cloud/rtc", "https://project.livekit.cloud/rtc/validate")]
    [InlineData("ws://127.0.0.1:7880", "ws://127.0.0.1:7880/rtc", "http://127.0.0.1:7880/rtc/validate")]
    [InlineData("http://host:8080/prefix/", "ws://host:8080/prefix/rtc", "http://host:8080/prefix/rtc/validate")]
    public void Rtc_AnySchemeAndPath_WebSocketAndValidateUrls(string server, string rtc, string validate)
    {
        var rtcUri = SignalUrls.Rtc(new Uri(server), "tok", "rtcbench", "0.1.0");
        var validateUri = SignalUrls.Validate(new Uri(server), "tok", "rtcbench", "0.1.0");

        Assert.Equal(rtc, SignalUrls.Redact(rtcUri));
        Assert.Equal(validate, SignalUrls.Redact(validateUri));
        Assert.Equal("?access_token=tok&auto_subscribe=0&sdk=rtcbench&version=0.1.0&protocol=17&client_protocol=0", rtcUri.Query);
        Assert.Equal(rtcUri.Query, validateUri.Query);
    }

    [Fact]
    public void Rtc_TokenWithReservedCharacters_IsEscapedAndRedactHidesIt()
    {
        var uri = SignalUrls.Rtc(new Uri("wss://h"), "a+b/c=&d", "rtcbench", "0.1.0");

        Assert.Contains("access_token=a%2Bb%2Fc%3D%26d&", uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain("a%2Bb", SignalUrls.Redact(uri), StringComparison.Ordinal);
    }

    [Fact]
    public void Rtc_OtherScheme_Throws()
    {
        Assert.Throws<ArgumentException>(() => SignalUrls.Rtc(new Uri("ftp://h"), "t", "s", "v"));
    }
}
