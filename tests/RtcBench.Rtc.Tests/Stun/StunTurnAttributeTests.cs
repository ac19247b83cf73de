using System.Net;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Stun;

/// <summary>The TURN attributes (RFC 8656 §18) and long-term credential attributes written and read back.</summary>
public sealed class StunTurnAttributeTests
{
    [Fact]
    public void TurnAttributes_Written_ReadBack()
    {
        var buffer = new byte[512];
        var type = new StunMessageType(StunClass.Request, StunMethod.ChannelBind);
        var writer = new StunMessageWriter(buffer, type, StunTransactionId.New());
        var peer = new IPEndPoint(IPAddress.Parse("198.51.100.7"), 50000);
        var relayed = new IPEndPoint(IPAddress.Parse("2001:db8::9"), 49152);
        writer.AddChannelNumber(0x4001);
        writer.AddLifetime(600);
        writer.AddRequestedTransport(17);
        writer.AddXorPeerAddress(peer);
        writer.AddXorRelayedAddress(relayed);
        writer.AddData([1, 2, 3, 4, 5]);
        writer.AddRealm("rtcbench");
        writer.AddNonce("abc\"def");
        byte[] bytes = writer.ToArray();

        Assert.True(StunMessageReader.TryRead(bytes, out var m));
        Assert.Equal(StunMethod.ChannelBind, m.Method);
        Assert.True(m.TryGetChannelNumber(out ushort channel));
        Assert.Equal(0x4001, channel);
        Assert.True(m.TryGetLifetime(out uint lifetime));
        Assert.Equal(600u, lifetime);
        Assert.True(m.TryGetAttribute(StunAttributeType.RequestedTransport, out var transport));
        Assert.Equal(new byte[] { 17, 0, 0, 0 }, transport.Value.ToArray());
        Assert.True(m.TryGetXorPeerAddress(out var readPeer));
        Assert.Equal(peer, readPeer);
        Assert.True(m.TryGetXorRelayedAddress(out var readRelayed));
        Assert.Equal(relayed, readRelayed);
        Assert.True(m.TryGetData(out var data));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, data.ToArray());
        Assert.True(m.TryGetRealm(out string realm));
        Assert.Equal("rtcbench", realm);
        Assert.True(m.TryGetNonce(out string nonce));
        Assert.Equal("abc\"def", nonce);
    }

    [Theory]
    [InlineData(StunMethod.Allocate, 0x0003)]
    [InlineData(StunMethod.Refresh, 0x0004)]
    [InlineData(StunMethod.CreatePermission, 0x0008)]
    [InlineData(StunMethod.ChannelBind, 0x0009)]
    public void TurnMethods_Requests_HaveRfcWireValues(StunMethod method, ushort wire) =>
        Assert.Equal(wire, new StunMessageType(StunClass.Request, method).ToWire());

    [Fact]
    public void TurnIndications_WireValues_MatchRfc()
    {
        Assert.Equal(0x0016, new StunMessageType(StunClass.Indication, StunMethod.Send).ToWire());
        Assert.Equal(0x0017, new StunMessageType(StunClass.Indication, StunMethod.Data).ToWire());
        Assert.Equal(0x0103, new StunMessageType(StunClass.SuccessResponse, StunMethod.Allocate).ToWire());
        Assert.Equal(0x0113, new StunMessageType(StunClass.ErrorResponse, StunMethod.Allocate).ToWire());
    }

    [Fact]
    public void TurnAttributes_WrongLengths_ReadAsAbsent()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.New());
        writer.AddRaw(StunAttributeType.Lifetime, [0, 0, 2]);
        writer.AddRaw(StunAttributeType.ChannelNumber, [0x40]);
        writer.AddRaw(StunAttributeType.XorPeerAddress, [0, 1, 2]);
        Assert.True(StunMessageReader.TryRead(writer.ToArray(), out var m));
        Assert.False(m.TryGetLifetime(out _));
        Assert.False(m.TryGetChannelNumber(out _));
        Assert.False(m.TryGetXorPeerAddress(out _));
        Assert.False(m.TryGetXorRelayedAddress(out _));
    }
}
