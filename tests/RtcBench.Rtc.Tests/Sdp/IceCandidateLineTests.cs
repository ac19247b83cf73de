using System.Net;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Tests.Sdp;

public sealed class IceCandidateLineTests
{
    [Theory]
    [InlineData("candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host")]
    [InlineData("candidate:1467250027 1 udp 2122260223 3b2f6c1e-0f7a-4e7c-9a45-9b8d1c2e3f40.local 53841 typ host generation 0 network-id 1")]
    [InlineData("candidate:2 1 udp 1679819007 203.0.113.7 42131 typ srflx raddr 127.0.0.2 rport 42131")]
    [InlineData("candidate:842163049 1 udp 1677729535 2001:db8::7 61665 typ srflx raddr :: rport 0 generation 0 ufrag 8hhY network-cost 999")]
    [InlineData("candidate:3 1 udp 41885439 198.51.100.4 3478 typ relay raddr 203.0.113.7 rport 42131")]
    [InlineData("candidate:4 1 udp 1853817087 fe80::1 9 typ prflx")]
    [InlineData("candidate:1975347322 1 tcp 1518280447 ::1 9 typ host tcptype active generation 0 network-id 2")]
    [InlineData("candidate:a+/Z 256 UDP 4294967295 127.0.0.1 65535 typ host")]
    public void TryParse_TrickleForm_RoundTripsExactly(string line)
    {
        Assert.True(IceCandidateLine.TryParse(line, out var candidate));

        Assert.Equal(line, candidate!.ToTrickleString());
        Assert.True(IceCandidateLine.TryParse(candidate.ToTrickleString(), out var again));
        Assert.Equal(candidate, again);
    }

    [Fact]
    public void TryParse_SrflxIpv6WithRelated_ReadsEveryField()
    {
        Assert.True(IceCandidateLine.TryParse(
            "a=candidate:842163049 1 udp 1677729535 2001:db8::7 61665 typ srflx raddr :: rport 0 generation 0 ufrag 8hhY network-cost 999\r\n",
            out var c));

        Assert.Equal("842163049", c!.Foundation);
        Assert.Equal(1, c.Component);
        Assert.True(c.IsUdp);
        Assert.Equal(1677729535u, c.Priority);
        Assert.Equal(IceCandidateType.ServerReflexive, c.Type);
        Assert.Equal("::", c.RelatedAddress);
        Assert.Equal(0, c.RelatedPort);
        Assert.Null(c.TcpType);
        Assert.Equal(
            [new IceCandidateExtension("generation", "0"), new IceCandidateExtension("ufrag", "8hhY"), new IceCandidateExtension("network-cost", "999")],
            c.Extensions);
        Assert.True(c.TryGetIPAddress(out var ip));
        Assert.Equal(IPAddress.Parse("2001:db8::7"), ip);
    }

    [Theory]
    [InlineData("a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host")]
    [InlineData("candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host")]
    [InlineData("1 1 udp 2130706431 127.0.0.1 50000 typ host")]
    [InlineData("  candidate:1  1 udp 2130706431 127.0.0.1 50000   typ host \r\n")]
    public void TryParse_WithOrWithoutPrefixes_GivesSameCandidate(string line)
    {
        Assert.True(IceCandidateLine.TryParse(line, out var candidate));

        Assert.Equal(new IceCandidateLine("1", 1, "udp", 2130706431, "127.0.0.1", 50000, IceCandidateType.Host), candidate);
        Assert.Equal("1 1 udp 2130706431 127.0.0.1 50000 typ host", candidate!.ToAttributeValue());
        Assert.Equal(new SdpAttribute("candidate", "1 1 udp 2130706431 127.0.0.1 50000 typ host"), candidate.ToAttribute());
    }

    [Fact]
    public void TryGetIPAddress_MdnsName_False()
    {
        Assert.True(IceCandidateLine.TryParse("candidate:1 1 udp 1 abc.local 1 typ host", out var c));

        Assert.True(c!.IsMdns);
        Assert.False(c.TryGetIPAddress(out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("candidate:")]
    [InlineData("candidate:1 1 udp 2130706431 127.0.0.1 50000 typ")]
    [InlineData("candidate:1 1 udp 2130706431 127.0.0.1 50000 type host")]
    [InlineData("candidate:1 1 udp 2130706431 127.0.0.1 50000 typ bogus")]
    [InlineData("candidate:1 0 udp 2130706431 127.0.0.1 50000 typ host")]
    [InlineData("candidate:1 257 udp 2130706431 127.0.0.1 50000 typ host")]
    [InlineData("candidate:1 1 udp 4294967296 127.0.0.1 50000 typ host")]
    [InlineData("candidate:1 1 udp 99999999999999999999999 127.0.0.1 50000 typ host")]
    [InlineData("candidate:1 1 udp -5 127.0.0.1 50000 typ host")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 65536 typ host")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 50000 typ srflx raddr 1.2.3.4 rport 70000")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 50000 typ host generation")]
    [InlineData("candidate:foundation-with-dash 1 udp 1 127.0.0.1 50000 typ host")]
    [InlineData("candidate:123456789012345678901234567890123 1 udp 1 127.0.0.1 5 typ host")]
    public void TryParse_Malformed_ReturnsFalse(string? line)
    {
        Assert.False(IceCandidateLine.TryParse(line, out var candidate));
        Assert.Null(candidate);
    }

    [Fact]
    public void TryParse_OverlongLine_ReturnsFalse()
    {
        var line = "candidate:1 1 udp 1 127.0.0.1 5 typ host" + string.Concat(Enumerable.Repeat(" x y", 600));

        Assert.False(IceCandidateLine.TryParse(line, out _));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("end-of-candidates", true)]
    [InlineData("a=end-of-candidates\r\n", true)]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 5 typ host", false)]
    [InlineData("end-of", false)]
    public void IsEndOfCandidates_TrickleStrings_RecognisesEndMarker(string? text, bool expected)
    {
        Assert.Equal(expected, IceCandidateLine.IsEndOfCandidates(text));
    }
}
