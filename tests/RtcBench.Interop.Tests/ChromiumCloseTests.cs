using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Interop.Tests;

/// <summary>
/// Closing channels (SCTP stream reset, RFC 8831 §6.7) and connections, from either side, in every offer direction
/// and both DTLS roles.
/// </summary>
[Collection(ChromiumNetnsCollection.Name)]
public sealed class ChromiumCloseTests(ChromiumNetns chromium)
{
    public static TheoryData<Offerer, SdpSetup> Modes => ChromiumMessageTests.Modes;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task PageClosesChannel_OurStreamResetAnswers_BothSidesClosedAndTheOtherChannelWorks(Offerer offerer, SdpSetup ourSetup)
    {
        await using var session = await InteropSession.ConnectAsync(chromium, offerer, ourSetup);
        var closed = ClosedSignal(session["reliable"]);

        // Chromium's channel reaches 'closed' only after we answer its reset request and reset our own stream.
        await session.Page.EvaluateAsync("async () => { rt.chans.reliable.close(); await rt.until(() => rt.closed.reliable && rt.chans.reliable.readyState === 'closed', 10000, 'reliable closed'); }");
        await closed.WaitAsync(InteropSession.Timeout);
        Assert.Equal(DataChannelState.Closed, session["reliable"].State);
        await AssertLossyStillEchoesAsync(session);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task WeCloseChannel_PageSeesOnclose_TheOtherChannelWorks(Offerer offerer, SdpSetup ourSetup)
    {
        await using var session = await InteropSession.ConnectAsync(chromium, offerer, ourSetup);
        var closed = ClosedSignal(session["reliable"]);

        session["reliable"].Close();
        await session.Page.EvaluateAsync("() => rt.until(() => rt.closed.reliable && rt.chans.reliable.readyState === 'closed', 10000, 'onclose of reliable')");
        await closed.WaitAsync(InteropSession.Timeout);
        Assert.Equal(DataChannelState.Closed, session["reliable"].State);
        Assert.Equal(PeerConnectionState.Connected, session.Peer.State);
        await AssertLossyStillEchoesAsync(session);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task PageClosesPeerConnection_OurConnectionEndsPeerClosed(Offerer offerer, SdpSetup ourSetup)
    {
        await using var session = await InteropSession.ConnectAsync(chromium, offerer, ourSetup);

        await session.Page.EvaluateAsync("() => rt.pc.close()");
        var outcome = await session.Peer.WhenEnded.WaitAsync(InteropSession.Timeout);
        Assert.False(outcome.Connected);
        Assert.True(outcome.Phase == PeerPhase.PeerClosed, outcome.ToString());
        Assert.Equal(PeerConnectionState.Closed, session.Peer.State);
        Assert.Equal(DataChannelState.Closed, session["reliable"].State);
        Assert.Equal(DataChannelState.Closed, session["lossy"].State);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task WeDispose_PageSeesDtlsClosedAndChannelsClosed(Offerer offerer, SdpSetup ourSetup)
    {
        await using var session = await InteropSession.ConnectAsync(chromium, offerer, ourSetup);

        await session.Peer.DisposeAsync().AsTask().WaitAsync(InteropSession.Timeout);
        Assert.Equal(PeerConnectionState.Closed, session.Peer.State);
        // Our SCTP ABORT closes the channels and our close_notify closes Chromium's DTLS transport at once.
        await session.Page.EvaluateAsync("""
            () => rt.until(() => rt.pc.sctp.transport.state === 'closed' && Object.values(rt.chans).every(c => c.readyState === 'closed'),
                           5000, 'DTLS transport and channels closed')
            """);
    }

    /// <summary>
    /// Chromium does not close its connection on the peer's close_notify: it goes 'disconnected' once consent checks
    /// stop being answered (about 5 s) and 'failed' about 10 s later. One mode only, it takes 15 s.
    /// </summary>
    [Fact]
    public async Task WeDispose_PageConnectionStateReachesFailed()
    {
        await using var session = await InteropSession.ConnectAsync(chromium, Offerer.Chromium, SdpSetup.Passive);

        await session.Peer.DisposeAsync().AsTask().WaitAsync(InteropSession.Timeout);
        string state = await session.Page.EvaluateAsync<string>("""
            async () => {
              await rt.until(() => ['closed', 'failed'].includes(rt.pc.connectionState), 30000, 'connection closed or failed');
              return rt.pc.connectionState;
            }
            """);
        Assert.Contains(state, new[] { "closed", "failed" });
    }

    private static Task ClosedSignal(DataChannel channel)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.Closed += _ => closed.TrySetResult();
        if (channel.State == DataChannelState.Closed)
        {
            closed.TrySetResult();
        }

        return closed.Task;
    }

    private static async Task AssertLossyStillEchoesAsync(InteropSession session)
    {
        session.Echo = true;
        string echoed = await session.Page.EvaluateAsync<string>("async () => { rt.chans.lossy.send('still here'); return await rt.next('lossy', 10000); }");
        Assert.Equal("still here", echoed);
    }
}
