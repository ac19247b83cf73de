using System.Text.Json;
using RtcBench.LiveKit.Signalling;

namespace RtcBench.LiveKit.Tests.Signalling;

public sealed class TrickleCandidateTests
{
    private const string Candidate = "candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host";

    [Fact]
    public void ToJson_Candidate_IsAnRtcIceCandidateInitThatParsesBack()
    {
        string json = TrickleCandidate.ToJson(Candidate, "0", 0, "abcd");

        using var document = JsonDocument.Parse(json);
        Assert.Equal(Candidate, document.RootElement.GetProperty("candidate").GetString());
        Assert.Equal("0", document.RootElement.GetProperty("sdpMid").GetString());
        Assert.Equal(0, document.RootElement.GetProperty("sdpMLineIndex").GetInt32());
        Assert.Equal("abcd", document.RootElement.GetProperty("usernameFragment").GetString());
        Assert.True(TrickleCandidate.TryParse(json, out string parsed));
        Assert.Equal(Candidate, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("candidate:1 1 udp 1 1.2.3.4 5 typ host")]
    [InlineData("[\"candidate\"]")]
    [InlineData("{\"sdpMid\":\"0\"}")]
    [InlineData("{\"candidate\":5}")]
    [InlineData("{\"candidate\":")]
    public void TryParse_NotACandidateInit_False(string text)
    {
        Assert.False(TrickleCandidate.TryParse(text, out _));
    }

    [Fact]
    public void MidAndUfrag_FromSdp_AreRead()
    {
        const string sdp = "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=ice-ufrag:Xy12\r\na=mid:data\r\n";

        Assert.Equal("data", TrickleCandidate.MidOf(sdp));
        Assert.Equal("Xy12", TrickleCandidate.UfragOf(sdp));
        Assert.Equal("0", TrickleCandidate.MidOf("v=0\r\n"));
        Assert.Null(TrickleCandidate.UfragOf(null));
    }
}
