using System.Net;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Turn;
using static RtcBench.Rtc.Tests.Turn.TurnTestServer;

namespace RtcBench.Rtc.Tests.Turn;

/// <summary>Send/Data indications, ChannelData framing both ways, and hostile input.</summary>
public sealed class TurnClientDataTests
{
    private static readonly byte[] Payload = [0xDE, 0xAD, 0xBE, 0xEF, 0x01];

    [Fact]
    public void Send_NoChannel_IsSendIndication()
    {
        var client = Allocated();
        Assert.True(client.Send(PeerEndpoint, Payload));
        var indication = NextRequest(client);
        Assert.Equal(StunClass.Indication, indication.Class);
        Assert.Equal(StunMethod.Send, indication.Method);
        Assert.True(indication.TryGetXorPeerAddress(out var peer));
        Assert.Equal(PeerEndpoint, peer);
        Assert.True(indication.TryGetData(out var data));
        Assert.Equal(Payload, data.ToArray());
        Assert.False(indication.Contains(StunAttributeType.MessageIntegrity));
    }

    [Fact]
    public void Send_BoundChannel_IsChannelDataExactBytes()
    {
        var client = BoundClient(out ushort channel);
        Assert.True(client.Send(PeerEndpoint, Payload));
        Assert.True(client.TryPollTransmit(out var transmit));
        Assert.Equal(Server, transmit.Destination);
        Assert.Equal(new byte[] { 0x40, 0x00, 0x00, 0x05, 0xDE, 0xAD, 0xBE, 0xEF, 0x01 }, transmit.Payload);
        Assert.Equal(0x4000, channel);
    }

    [Fact]
    public void NextTimeoutNs_WithPermissionAndChannel_AllocatesNothing()
    {
        // Read on every turn of a peer connection's loop: bench/results/relay.md found 80 B per read (boxed enumerators).
        var client = BoundClient(out _);
        long expected = client.NextTimeoutNs;
        Assert.NotEqual(RtcTime.Never, expected);
        int differing = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            differing += client.NextTimeoutNs == expected ? 0 : 1;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, differing);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void ChannelBind_Rejected_SendsFallBackToIndications()
    {
        var client = Allocated();
        ushort number = client.BindChannel(0, PeerEndpoint);
        client.HandleDatagram(0, Error(NextRequest(client), 508, key: Key()));
        var failed = Assert.Single(Events(client));
        Assert.Equal(TurnEventKind.ChannelBindFailed, failed.Kind);
        Assert.Equal(TurnError.InsufficientCapacity, failed.Error);
        Assert.Equal(number, failed.Channel);
        Assert.Equal(0, client.GetBoundChannel(PeerEndpoint));

        Assert.True(client.Send(PeerEndpoint, Payload));
        Assert.Equal(StunMethod.Send, NextRequest(client).Method);
        Assert.Equal(TurnClientState.Allocated, client.State);
    }

    [Fact]
    public void CreatePermission_StaleNonce_RetriedThenInstalled()
    {
        var client = Allocated();
        client.CreatePermission(0, PeerEndpoint.Address);
        client.HandleDatagram(0, StaleNonce(NextRequest(client), "nonce-9"));
        var retry = NextRequest(client);
        Assert.Equal(StunMethod.CreatePermission, retry.Method);
        Assert.True(retry.TryGetNonce(out string nonce));
        Assert.Equal("nonce-9", nonce);
        Assert.True(IntegrityMatches(retry.Raw.Span, Key()));
        client.HandleDatagram(0, Success(retry));
        Assert.True(client.HasPermission(PeerEndpoint.Address));
    }

    [Fact]
    public void Send_BeforeAllocation_ReturnsFalse() => Assert.False(NewClient().Send(PeerEndpoint, Payload));

    [Fact]
    public void DataIndication_Received_RaisesDataWithPeer()
    {
        var client = Allocated();
        Assert.True(client.HandleDatagram(0, DataIndication(PeerEndpoint, Payload)));
        var received = Assert.Single(Events(client));
        Assert.Equal(TurnEventKind.DataReceived, received.Kind);
        Assert.Equal(PeerEndpoint, received.Peer);
        Assert.Equal(Payload, received.Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChannelData_Received_PaddedOrNot_RaisesDataWithPeer(bool padded)
    {
        var client = BoundClient(out ushort channel);
        byte[] datagram = [(byte)(channel >> 8), (byte)channel, 0, 5, .. Payload, .. padded ? new byte[3] : []];
        Assert.True(client.HandleDatagram(0, datagram));
        var received = Assert.Single(Events(client));
        Assert.Equal(TurnEventKind.DataReceived, received.Kind);
        Assert.Equal(PeerEndpoint, received.Peer);
        Assert.Equal(channel, received.Channel);
        Assert.Equal(Payload, received.Data);
    }

    [Fact]
    public void ChannelData_UnknownChannelOrBadLength_DroppedAndCounted()
    {
        var client = BoundClient(out _);
        client.HandleDatagram(0, [0x40, 0x07, 0, 1, 9]);
        Assert.Equal(1, client.Ignored);
        client.HandleDatagram(0, [0x40, 0x00, 0, 9, 1, 2]);
        client.HandleDatagram(0, [0x40, 0x00, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8]);
        client.HandleDatagram(0, [0x4F]);
        Assert.Equal(3, client.Malformed);
        Assert.Empty(Events(client));
    }

    [Fact]
    public void ChannelDataCodec_RoundTripsAndRejectsReservedChannels()
    {
        var buffer = new byte[16];
        int size = TurnChannelData.Write(buffer, 0x4FFF, Payload);
        Assert.Equal(9, size);
        Assert.True(TurnChannelData.TryRead(buffer.AsSpan(0, size), out ushort channel, out int length));
        Assert.Equal(0x4FFF, channel);
        Assert.Equal(Payload, buffer.AsSpan(TurnChannelData.HeaderSize, length).ToArray());
        Assert.False(TurnChannelData.TryRead([0x50, 0x00, 0, 0], out _, out _));
        Assert.False(TurnChannelData.TryRead([0x3F, 0xFF, 0, 0], out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => TurnChannelData.Write(buffer, 0x5000, Payload));
    }

    [Fact]
    public void HandleDatagram_HostileInput_NeverThrowsAndCounts()
    {
        var random = new Random(20261122);
        var client = BoundClient(out ushort channel);
        client.CreatePermission(0, IPAddress.Parse("203.0.113.99"));
        var pending = NextRequest(client);
        byte[][] seeds =
        [
            DataIndication(PeerEndpoint, Payload),
            [(byte)(channel >> 8), (byte)channel, 0, 5, .. Payload],
            Success(pending),
            Error(pending, 438, Realm, "n"),
            AllocateSuccess(pending),
        ];
        var buffer = new byte[256];
        for (int i = 0; i < 50_000; i++)
        {
            int length;
            if (i % 2 == 0)
            {
                length = random.Next(0, 120);
                random.NextBytes(buffer.AsSpan(0, length));
                if (length > 0 && i % 4 == 0)
                {
                    buffer[0] = (byte)random.Next(0x40, 0x50);
                }
            }
            else
            {
                byte[] seed = seeds[random.Next(seeds.Length)];
                seed.CopyTo(buffer, 0);
                length = random.Next(1, seed.Length + 1);
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    buffer[random.Next(length)] = (byte)random.Next(256);
                }
            }

            client.HandleDatagram(i, buffer.AsSpan(0, length));
            client.HandleTimeout(i);
            while (client.TryPollEvent(out _))
            {
            }

            while (client.TryPollTransmit(out _))
            {
            }
        }

        Assert.True(client.Malformed > 1000, $"malformed {client.Malformed}");
    }

    private static TurnClient BoundClient(out ushort channel)
    {
        var client = Allocated();
        channel = client.BindChannel(0, PeerEndpoint);
        client.HandleDatagram(0, Success(NextRequest(client)));
        Events(client);
        return client;
    }
}
