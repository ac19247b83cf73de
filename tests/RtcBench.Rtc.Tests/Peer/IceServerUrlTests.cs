using RtcBench.Rtc.Peer;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>ICE server URLs as LiveKit's join response and RTCIceServer carry them (RFC 7064, RFC 7065).</summary>
public sealed class IceServerUrlTests
{
    [Theory]
    [InlineData("turn:turn.example.com", "turn", "turn.example.com", 3478, "udp", true)]
    [InlineData("turn:1.2.3.4:443?transport=udp", "turn", "1.2.3.4", 443, "udp", true)]
    [InlineData("TURN:host:3478?transport=tcp", "turn", "host", 3478, "tcp", false)]
    [InlineData("turns:host:443?transport=tcp", "turns", "host", 443, "tcp", false)]
    [InlineData("turns:host", "turns", "host", 5349, "tcp", false)]
    [InlineData("stun:stun.l.google.com:19302", "stun", "stun.l.google.com", 19302, "udp", false)]
    [InlineData("turn:[::1]:3479", "turn", "::1", 3479, "udp", true)]
    public void TryParse_ValidUrls(string url, string scheme, string host, int port, string transport, bool udpTurn)
    {
        Assert.True(IceServerUrl.TryParse(url, out var parsed));
        Assert.Equal(new IceServerUrl(scheme, host, port, transport), parsed);
        Assert.Equal(udpTurn, parsed!.IsUdpTurn);
        Assert.True(IceServerUrl.TryParse(parsed.ToString(), out var again));
        Assert.Equal(parsed, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://host")]
    [InlineData("turn:")]
    [InlineData("turn:host:0")]
    [InlineData("turn:host:70000")]
    [InlineData("turn:host:x")]
    [InlineData("turn:host?transport=sctp")]
    [InlineData("turn:host?foo=bar")]
    [InlineData("turn:user@host")]
    [InlineData("turn://host")]
    [InlineData("turn:[::1")]
    public void TryParse_Invalid_IsFalse(string url) => Assert.False(IceServerUrl.TryParse(url, out _));
}
