using System.Text;
using RtcBench.Rtc.DataChannels;

namespace RtcBench.Rtc.Tests.DataChannels;

public sealed class DcepCodecTests
{
    private const int Seed = 8832;

    public static TheoryData<DataChannelType, uint> ChannelTypes => new()
    {
        { DataChannelType.Reliable, 0 },
        { DataChannelType.ReliableUnordered, 0 },
        { DataChannelType.PartialReliableRexmit, 3 },
        { DataChannelType.PartialReliableRexmitUnordered, 0 },
        { DataChannelType.PartialReliableTimed, 500 },
        { DataChannelType.PartialReliableTimedUnordered, uint.MaxValue },
    };

    [Theory]
    [MemberData(nameof(ChannelTypes))]
    public void Encode_EveryChannelType_RoundTrips(DataChannelType type, uint reliability)
    {
        var open = new DcepOpen(type, DcepOpen.NormalPriority, reliability, "chat", "json");

        var bytes = DcepCodec.Encode(open);

        Assert.Equal(DcepCodec.OpenHeaderLength + 8, bytes.Length);
        Assert.Equal((byte)type, bytes[1]);
        Assert.True(DcepCodec.TryRead(bytes, out var read));
        Assert.Equal(open, read);
    }

    [Fact]
    public void TryRead_HandWrittenOpen_ReadsEveryField()
    {
        // 0x03 OPEN, 0x81 unordered rexmit, priority 256, reliability 0, label "dc" (2), protocol "p" (1).
        byte[] bytes = [0x03, 0x81, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, (byte)'d', (byte)'c', (byte)'p'];

        Assert.True(DcepCodec.TryRead(bytes, out var message));

        var open = Assert.IsType<DcepOpen>(message);
        Assert.Equal(DataChannelType.PartialReliableRexmitUnordered, open.ChannelType);
        Assert.Equal((ushort)256, open.Priority);
        Assert.Equal("dc", open.Label);
        Assert.Equal("p", open.Protocol);
        Assert.False(open.IsOrdered);
        Assert.Equal(0u, open.MaxRetransmits);
        Assert.Null(open.MaxPacketLifeTimeMs);
        Assert.Equal(bytes, DcepCodec.Encode(open));
    }

    [Fact]
    public void DcepOpen_TimedType_ExposesLifetime()
    {
        var open = new DcepOpen(DataChannelType.PartialReliableTimed, 256, 500, "t", "");

        Assert.True(open.IsOrdered);
        Assert.Equal(500u, open.MaxPacketLifeTimeMs);
        Assert.Null(open.MaxRetransmits);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("", "proto")]
    [InlineData("ünïcödé 🚀", "日本語")]
    public void Encode_Utf8LabelAndProtocol_RoundTrips(string label, string protocol)
    {
        var open = new DcepOpen(DataChannelType.Reliable, 256, 0, label, protocol);

        Assert.True(DcepCodec.TryRead(DcepCodec.Encode(open), out var read));

        Assert.Equal(open, read);
    }

    [Fact]
    public void Encode_ThousandByteLabelAndProtocol_RoundTrips()
    {
        var label = string.Concat(Enumerable.Repeat("é", 500));
        var protocol = new string('p', 1000);
        Assert.Equal(1000, Encoding.UTF8.GetByteCount(label));
        var open = new DcepOpen(DataChannelType.ReliableUnordered, 512, 0, label, protocol);

        var bytes = DcepCodec.Encode(open);

        Assert.Equal(2012, bytes.Length);
        Assert.True(DcepCodec.TryRead(bytes, out var read));
        Assert.Equal(open, read);
    }

    [Fact]
    public void Encode_Ack_IsSingleByte02()
    {
        Assert.Equal([0x02], DcepCodec.Encode(DcepAck.Instance));
        Assert.True(DcepCodec.TryRead([0x02], out var message));
        Assert.Same(DcepAck.Instance, message);
    }

    [Fact]
    public void TryWrite_DestinationTooSmall_ReturnsFalse()
    {
        var open = new DcepOpen(DataChannelType.Reliable, 256, 0, "label", "");

        Assert.False(DcepCodec.TryWrite(open, new byte[DcepCodec.GetEncodedLength(open) - 1], out var written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Encode_LabelOver65535Bytes_ThrowsArgumentException()
    {
        var open = new DcepOpen(DataChannelType.Reliable, 256, 0, new string('x', 65536), "");

        Assert.Throws<ArgumentException>(() => DcepCodec.Encode(open));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x01 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x03, 0x03, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x03, 0x7F, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0x03, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0, 0x01, 0, 0 })]
    [InlineData(new byte[] { 0x03, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3 })]
    [InlineData(new byte[] { 0x03, 0x00, 0x01, 0x00, 0, 0, 0, 0, 0, 0x02, 0, 0, 0xC3, 0x28 })]
    public void TryRead_InvalidBytes_ReturnsFalse(byte[] bytes)
    {
        Assert.False(DcepCodec.TryRead(bytes, out var message));
        Assert.Null(message);
    }

    [Fact]
    public void TryRead_TrailingBytesAfterProtocol_Ignored()
    {
        var bytes = DcepCodec.Encode(new DcepOpen(DataChannelType.Reliable, 256, 0, "a", "b")).Concat(new byte[] { 9, 9 }).ToArray();

        Assert.True(DcepCodec.TryRead(bytes, out var message));
        Assert.Equal("b", Assert.IsType<DcepOpen>(message).Protocol);
    }

    [Fact]
    public void TryRead_EveryTruncation_NeverThrowsAndFails()
    {
        var bytes = DcepCodec.Encode(new DcepOpen(DataChannelType.PartialReliableTimed, 256, 500, "label", "protocol"));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(DcepCodec.TryRead(bytes.AsSpan(0, length), out _), $"length {length}");
        }
    }

    [Fact]
    public void TryRead_MutatedAndRandomBytes_NeverThrow()
    {
        var random = new Random(Seed);
        var valid = DcepCodec.Encode(new DcepOpen(DataChannelType.PartialReliableRexmit, 256, 2, "ünïcödé", "proto"));
        for (var i = 0; i < 5000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var flips = random.Next(1, 5); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var noise = new byte[random.Next(0, 64)];
            random.NextBytes(noise);

            foreach (var input in new[] { bytes, noise })
            {
                if (DcepCodec.TryRead(input, out var message) && message is DcepOpen open)
                {
                    Assert.True(DcepCodec.TryRead(DcepCodec.Encode(open), out var again), $"seed {Seed}, case {i}");
                    Assert.Equal(open, again);
                }
            }
        }
    }
}
