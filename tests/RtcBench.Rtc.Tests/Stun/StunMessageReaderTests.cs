using System.Buffers.Binary;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Stun;

public sealed class StunMessageReaderTests
{
    private static byte[] Build(Action<StunMessageWriter> build)
    {
        var buffer = new byte[512];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.New());
        build(w);
        return buffer.AsSpan(0, StunMessageReader.HeaderSize + BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2))).ToArray();
    }

    [Fact]
    public void IsStun_HeaderOnly_True()
    {
        var bytes = Build(_ => { });
        Assert.Equal(20, bytes.Length);
        Assert.True(StunMessageReader.IsStun(bytes));
        Assert.True(StunMessageReader.TryRead(bytes, out var m));
        Assert.Empty(m.Attributes);
    }

    [Theory]
    [InlineData(0x16)] // DTLS handshake (RFC 7983: 20..63)
    [InlineData(0x17)] // DTLS application data
    [InlineData(0x80)] // RTP
    [InlineData(0x40)] // TURN channel / QUIC range
    [InlineData(0x04)]
    public void IsStun_OtherProtocolsFirstByte_False(byte first)
    {
        var bytes = (byte[])StunVectors.SampleRequest.Clone();
        bytes[0] = first;
        Assert.False(StunMessageReader.IsStun(bytes));
        Assert.False(StunMessageReader.TryRead(bytes, out _));
    }

    [Fact]
    public void IsStun_WrongCookie_False()
    {
        var bytes = (byte[])StunVectors.SampleRequest.Clone();
        bytes[4] ^= 0xFF;
        Assert.False(StunMessageReader.IsStun(bytes));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(107)]
    public void IsStun_Truncated_False(int length) =>
        Assert.False(StunMessageReader.IsStun(StunVectors.SampleRequest.AsSpan(0, length)));

    [Fact]
    public void TryRead_TrailingBytes_False()
    {
        var bytes = StunVectors.SampleRequest.Concat(new byte[4]).ToArray();
        Assert.False(StunMessageReader.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_LengthNotMultipleOfFour_False()
    {
        var bytes = StunVectors.SampleRequest.Concat(new byte[2]).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(bytes.Length - 20));
        Assert.False(StunMessageReader.IsStun(bytes));
    }

    [Fact]
    public void TryRead_AttributeLengthPastEnd_False()
    {
        var bytes = (byte[])StunVectors.SampleIPv4Response.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(22), 0x00FF); // SOFTWARE claims 255 bytes
        Assert.True(StunMessageReader.IsStun(bytes));
        Assert.False(StunMessageReader.TryRead(bytes, out _));
        Assert.False(StunMessageReader.VerifyFingerprint(bytes));
        Assert.False(StunMessageReader.VerifyIntegrity(bytes, StunVectors.Password));
    }

    [Fact]
    public void TryRead_PaddingMissingOnLastAttribute_False()
    {
        // Header + one attribute with a 1-byte value and no padding: the message length (5) is not a multiple of 4,
        // so pretend it is 8 with the type/length of a 5-byte value.
        var bytes = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, 0x0001);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), 8);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), StunMessageReader.MagicCookie);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(20), 0x8022);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(22), 5); // needs 8 bytes padded, only 4 remain
        Assert.False(StunMessageReader.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_FingerprintNotLast_False()
    {
        var bytes = Build(w => w.AddFingerprint()).Concat(new byte[] { 0x80, 0x22, 0, 0 }).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(bytes.Length - 20));
        Assert.True(StunMessageReader.IsStun(bytes));
        Assert.False(StunMessageReader.TryRead(bytes, out _));
        Assert.False(StunMessageReader.VerifyFingerprint(bytes));
    }

    [Fact]
    public void TryRead_AttributesAfterIntegrity_Ignored()
    {
        var signed = Build(w =>
        {
            w.AddUsername("a:b");
            w.AddMessageIntegrity("key"u8);
        });
        // Append a PRIORITY after MESSAGE-INTEGRITY by hand; the integrity still verifies (it covers what precedes).
        var bytes = signed.Concat(new byte[] { 0x00, 0x24, 0x00, 0x04, 0, 0, 0, 9 }).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)(bytes.Length - 20));
        Assert.True(StunMessageReader.TryRead(bytes, out var m));
        Assert.False(m.TryGetPriority(out _));
        Assert.Equal(2, m.Attributes.Count);
        Assert.True(m.VerifyIntegrity("key"u8));
    }

    [Fact]
    public void TryRead_TooManyAttributes_False()
    {
        var bytes = Build(w =>
        {
            for (int i = 0; i < StunMessageReader.MaxAttributes + 1; i++)
            {
                w.AddRaw(0xC000, []);
            }
        });
        Assert.False(StunMessageReader.TryRead(bytes, out _));
    }

    [Fact]
    public void TryRead_MaxAttributes_True()
    {
        var bytes = Build(w =>
        {
            for (int i = 0; i < StunMessageReader.MaxAttributes; i++)
            {
                w.AddRaw(0xC000, []);
            }
        });
        Assert.True(StunMessageReader.TryRead(bytes, out var m));
        Assert.Equal(StunMessageReader.MaxAttributes, m.Attributes.Count);
    }

    [Fact]
    public void TypedGetters_WrongValueLengths_False()
    {
        var bytes = Build(w =>
        {
            w.AddRaw(StunAttributeType.Priority, [1, 2, 3]);
            w.AddRaw(StunAttributeType.IceControlling, [1, 2, 3, 4]);
            w.AddRaw(StunAttributeType.IceControlled, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
            w.AddRaw(StunAttributeType.XorMappedAddress, [0, 1, 0, 1, 1, 2, 3]);
            w.AddRaw(StunAttributeType.MappedAddress, [0, 3, 0, 1, 1, 2, 3, 4]);
            w.AddRaw(StunAttributeType.ErrorCode, [0, 0, 2, 0]);
            w.AddRaw(StunAttributeType.UnknownAttributes, [0, 0, 2]);
            w.AddRaw(StunAttributeType.Fingerprint, [1, 2]);
        });
        Assert.True(StunMessageReader.TryRead(bytes, out var m));
        Assert.False(m.TryGetPriority(out _));
        Assert.False(m.TryGetIceControlling(out _));
        Assert.False(m.TryGetIceControlled(out _));
        Assert.False(m.TryGetXorMappedAddress(out _));
        Assert.False(m.TryGetMappedAddress(out _));
        Assert.False(m.TryGetErrorCode(out _));
        Assert.False(m.TryGetUnknownAttributes(out _));
        Assert.False(m.TryGetFingerprint(out _));
        Assert.False(m.VerifyFingerprint());
        Assert.False(m.VerifyIntegrity("x"u8));
    }

    [Fact]
    public void TryGetAttribute_Duplicate_FirstWins()
    {
        var bytes = Build(w =>
        {
            w.AddPriority(1);
            w.AddPriority(2);
        });
        Assert.True(StunMessageReader.TryRead(bytes, out var m));
        Assert.True(m.TryGetPriority(out var p));
        Assert.Equal(1u, p);
    }
}
