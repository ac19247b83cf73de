using System.Net;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Turn;
using static RtcBench.Rtc.Tests.Turn.TurnTestServer;

namespace RtcBench.Rtc.Tests.Turn;

/// <summary>Refresh, permission and channel timers with simulated time.</summary>
public sealed class TurnClientRefreshTests
{
    private const long S = RtcTime.NsPerSecond;

    [Fact]
    public void Refresh_OneMinuteBeforeExpiry_SendsAuthenticatedRefresh()
    {
        var client = Allocated(nowNs: 0);
        Assert.Equal(540 * S, client.NextTimeoutNs);
        client.HandleTimeout(539 * S);
        Assert.False(client.TryPollTransmit(out _));

        client.HandleTimeout(540 * S);
        Assert.True(client.TryPollTransmit(out var transmit));
        Assert.True(StunMessageReader.TryRead(transmit.Payload, out var refresh));
        Assert.Equal(StunMethod.Refresh, refresh.Method);
        Assert.True(refresh.TryGetLifetime(out uint lifetime));
        Assert.Equal(600u, lifetime);
        Assert.True(IntegrityMatches(transmit.Payload, Key()));

        client.HandleDatagram(541 * S, Success(refresh, lifetime: 600));
        Assert.Equal(TurnEventKind.Refreshed, Assert.Single(Events(client)).Kind);
        Assert.Equal(541 * S + 600 * S, client.AllocationExpiresNs);
        Assert.Equal(541 * S + 540 * S, client.NextTimeoutNs);
    }

    [Fact]
    public void Refresh_ShortLifetime_HalfWay()
    {
        var client = NewClient();
        client.Allocate(0);
        client.HandleDatagram(0, Unauthorized(NextRequest(client)));
        client.HandleDatagram(0, AllocateSuccess(NextRequest(client), lifetime: 60));
        Assert.Equal(30 * S, client.NextTimeoutNs);
    }

    [Fact]
    public void Refresh_437_FailsTheAllocation()
    {
        var client = Allocated();
        client.HandleTimeout(540 * S);
        client.HandleDatagram(540 * S, Error(NextRequest(client), 437, key: Key()));
        Assert.Equal(TurnClientState.Failed, client.State);
        Assert.Equal(TurnError.AllocationMismatch, client.Error);
    }

    [Fact]
    public void Refresh_StaleNonce_RetriedWithFreshNonce()
    {
        var client = Allocated();
        client.HandleTimeout(540 * S);
        client.HandleDatagram(540 * S, StaleNonce(NextRequest(client), "nonce-2"));
        var retry = NextRequest(client);
        Assert.Equal(StunMethod.Refresh, retry.Method);
        Assert.True(retry.TryGetNonce(out string nonce));
        Assert.Equal("nonce-2", nonce);
    }

    [Fact]
    public void Deallocate_LifetimeZero_Closes()
    {
        var client = Allocated();
        client.Deallocate(1 * S);
        var request = NextRequest(client);
        Assert.Equal(StunMethod.Refresh, request.Method);
        Assert.True(request.TryGetLifetime(out uint lifetime));
        Assert.Equal(0u, lifetime);
        Assert.Equal(TurnClientState.Deallocating, client.State);

        client.HandleDatagram(1 * S, Success(request, lifetime: 0));
        Assert.Equal(TurnClientState.Closed, client.State);
        Assert.Equal(TurnEventKind.Deallocated, Assert.Single(Events(client)).Kind);
        Assert.Equal(RtcTime.Never, client.NextTimeoutNs);
        Assert.False(client.Send(PeerEndpoint, [1]));
    }

    [Fact]
    public void Deallocate_437_CountsAsGone()
    {
        var client = Allocated();
        client.Deallocate(1 * S);
        client.HandleDatagram(1 * S, Error(NextRequest(client), 437, key: Key()));
        Assert.Equal(TurnClientState.Closed, client.State);
    }

    [Fact]
    public void Permission_RefreshedBeforeFiveMinutes()
    {
        var client = Allocated();
        client.CreatePermission(10 * S, PeerEndpoint.Address);
        var request = NextRequest(client);
        Assert.Equal(StunMethod.CreatePermission, request.Method);
        Assert.True(request.TryGetXorPeerAddress(out var peer));
        Assert.Equal(PeerEndpoint.Address, peer!.Address);
        Assert.True(IntegrityMatches(request.Raw.Span, Key()));
        client.HandleDatagram(10 * S, Success(request));
        Assert.True(client.HasPermission(PeerEndpoint.Address));
        Assert.Equal(TurnEventKind.PermissionCreated, Assert.Single(Events(client)).Kind);

        Assert.Equal(250 * S, client.NextTimeoutNs); // 10 s + 240 s, before the allocation refresh at 540 s
        client.HandleTimeout(250 * S);
        var refresh = NextRequest(client);
        Assert.Equal(StunMethod.CreatePermission, refresh.Method);
        client.HandleDatagram(251 * S, Success(refresh));
        Assert.Empty(Events(client)); // a refresh is not a new permission
        Assert.Equal(491 * S, client.NextTimeoutNs);
    }

    [Fact]
    public void Permission_Rejected_ReportedAndForgotten()
    {
        var client = Allocated();
        client.CreatePermission(0, PeerEndpoint.Address);
        client.HandleDatagram(0, Error(NextRequest(client), 403, key: Key()));
        var failed = Assert.Single(Events(client));
        Assert.Equal(TurnEventKind.PermissionFailed, failed.Kind);
        Assert.Equal(TurnError.Forbidden, failed.Error);
        Assert.False(client.HasPermission(PeerEndpoint.Address));
        Assert.Equal(TurnClientState.Allocated, client.State);
    }

    [Fact]
    public void Channel_BoundAndRefreshedBeforeTenMinutes()
    {
        var client = Allocated();
        ushort number = client.BindChannel(5 * S, PeerEndpoint);
        Assert.Equal(0x4000, number);
        var request = NextRequest(client);
        Assert.Equal(StunMethod.ChannelBind, request.Method);
        Assert.True(request.TryGetChannelNumber(out ushort carried));
        Assert.Equal(number, carried);
        Assert.True(request.TryGetXorPeerAddress(out var peer));
        Assert.Equal(PeerEndpoint, peer);
        Assert.Equal(0, client.GetBoundChannel(PeerEndpoint));

        client.HandleDatagram(5 * S, Success(request));
        Assert.Equal(number, client.GetBoundChannel(PeerEndpoint));
        var bound = Assert.Single(Events(client));
        Assert.Equal(TurnEventKind.ChannelBound, bound.Kind);
        Assert.Equal(number, bound.Channel);
        Assert.Equal(0x4001, client.BindChannel(5 * S, new IPEndPoint(PeerEndpoint.Address, PeerEndpoint.Port + 1)));
        client.HandleDatagram(6 * S, Success(NextRequest(client)));
        Assert.Equal(number, client.BindChannel(5 * S, PeerEndpoint));

        // Allocation refresh at 540 s comes first; the channel's at 5 + 540 = 545 s.
        client.HandleTimeout(540 * S);
        client.HandleDatagram(540 * S, Success(NextRequest(client), lifetime: 600));
        Assert.False(client.TryPollTransmit(out _));

        client.HandleTimeout(545 * S);
        var rebind = NextRequest(client);
        Assert.Equal(StunMethod.ChannelBind, rebind.Method);
        Assert.True(rebind.TryGetChannelNumber(out ushort again));
        Assert.Equal(number, again);
    }
}
