using System.Text;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Interop.Tests;

/// <summary>
/// Our answerer as a full ICE agent (what the livekit client uses for the subscriber connection the SFU offers):
/// Chromium offers as a full controlling agent, we answer without a=ice-lite, send our own checks as the controlled
/// agent and select the pair Chromium nominates. Messages then flow both ways on both channels.
/// </summary>
[Collection(ChromiumNetnsCollection.Name)]
public sealed class ChromiumFullIceTests(ChromiumNetns chromium)
{
    [Fact]
    public async Task ChromiumOffers_WeAnswerAsFullControlledAgent_ConnectsAndEchoes()
    {
        await using var session = await InteropSession.ConnectAsync(chromium, Offerer.Chromium, SdpSetup.Passive, AnswererIceMode.Full);

        Assert.False(session.Peer.IsIceLite);
        Assert.Equal(IceRole.Controlled, session.Peer.IceRole);
        Assert.DoesNotContain("a=ice-lite", session.Peer.LocalDescription, StringComparison.Ordinal);

        await session.Page.EvaluateAsync("() => { rt.echo = true; }");
        foreach (string label in new[] { "reliable", "lossy" })
        {
            byte[] data = Encoding.UTF8.GetBytes("full ice " + label);
            Assert.True(session[label].SendText(data));
            var echoed = await session.NextReceivedAsync(label + " echo");
            Assert.Equal(label, echoed.Label);
            Assert.True(data.AsSpan().SequenceEqual(echoed.Data));
        }
    }
}
