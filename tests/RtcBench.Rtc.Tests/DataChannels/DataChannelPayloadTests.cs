using RtcBench.Rtc.DataChannels;

namespace RtcBench.Rtc.Tests.DataChannels;

public sealed class DataChannelPayloadTests
{
    [Theory]
    [InlineData(true, 5, Ppid.String)]
    [InlineData(true, 0, Ppid.StringEmpty)]
    [InlineData(false, 5, Ppid.Binary)]
    [InlineData(false, 0, Ppid.BinaryEmpty)]
    public void SelectPpid_TextOrBinaryEmptyOrNot_UsesRfc8831Values(bool isText, int length, uint expected)
    {
        Assert.Equal(expected, DataChannelPayload.SelectPpid(isText, length));
    }

    [Fact]
    public void Ppid_Constants_MatchRegistry()
    {
        Assert.Equal(
            [50u, 51u, 52u, 53u, 54u, 56u, 57u],
            [Ppid.Dcep, Ppid.String, Ppid.StringPartial, Ppid.Binary, Ppid.BinaryPartial, Ppid.StringEmpty, Ppid.BinaryEmpty]);
        Assert.True(Ppid.IsDeprecatedPartial(52) && Ppid.IsDeprecatedPartial(54));
        Assert.False(Ppid.IsUserMessage(Ppid.Dcep));
        Assert.False(Ppid.IsUserMessage(55));
    }

    [Fact]
    public void SelectBody_EmptyMessage_IsSingleZeroByte()
    {
        Assert.Equal([0x00], DataChannelPayload.SelectBody([]).ToArray());
        Assert.Equal([1, 2], DataChannelPayload.SelectBody([1, 2]).ToArray());
    }

    [Theory]
    [InlineData(Ppid.StringEmpty, true)]
    [InlineData(Ppid.BinaryEmpty, false)]
    public void TryDecode_EmptyPpid_DeliversEmptyMessage(uint ppid, bool expectText)
    {
        Assert.True(DataChannelPayload.TryDecode(ppid, [0x00], out var isText, out var message));

        Assert.Equal(expectText, isText);
        Assert.True(message.IsEmpty);
    }

    [Theory]
    [InlineData(Ppid.String, true)]
    [InlineData(Ppid.StringPartial, true)]
    [InlineData(Ppid.Binary, false)]
    [InlineData(Ppid.BinaryPartial, false)]
    public void TryDecode_UserPpid_DeliversBody(uint ppid, bool expectText)
    {
        Assert.True(DataChannelPayload.TryDecode(ppid, "hi"u8, out var isText, out var message));

        Assert.Equal(expectText, isText);
        Assert.Equal("hi"u8.ToArray(), message.ToArray());
    }

    [Theory]
    [InlineData(Ppid.Dcep)]
    [InlineData(0u)]
    [InlineData(55u)]
    [InlineData(uint.MaxValue)]
    public void TryDecode_NotAUserMessage_ReturnsFalse(uint ppid)
    {
        Assert.False(DataChannelPayload.TryDecode(ppid, [1], out _, out var message));
        Assert.True(message.IsEmpty);
    }

    [Fact]
    public void StreamIds_DtlsClientEvenServerOdd()
    {
        Assert.Equal(0, DataChannelStreamIds.First(isDtlsClient: true));
        Assert.Equal(1, DataChannelStreamIds.First(isDtlsClient: false));
        Assert.True(DataChannelStreamIds.BelongsTo(4, isDtlsClient: true));
        Assert.False(DataChannelStreamIds.BelongsTo(4, isDtlsClient: false));
        Assert.True(DataChannelStreamIds.BelongsTo(65533, isDtlsClient: false));
        Assert.False(DataChannelStreamIds.BelongsTo(DataChannelStreamIds.Reserved, isDtlsClient: false));
    }

    [Fact]
    public void TryAllocate_SkipsUsedIdsOfOurParity()
    {
        var used = new HashSet<ushort> { 1, 3 };

        Assert.True(DataChannelStreamIds.TryAllocate(isDtlsClient: false, 65535, used.Contains, out var id));
        Assert.Equal(5, id);
        Assert.True(DataChannelStreamIds.TryAllocate(isDtlsClient: true, 65535, used.Contains, out var clientId));
        Assert.Equal(0, clientId);
    }

    [Fact]
    public void TryAllocate_AllStreamsTaken_ReturnsFalse()
    {
        Assert.False(DataChannelStreamIds.TryAllocate(isDtlsClient: true, 4, id => id is 0 or 2, out _));
        Assert.False(DataChannelStreamIds.TryAllocate(isDtlsClient: false, 65535, _ => true, out _));
        Assert.True(DataChannelStreamIds.TryAllocate(isDtlsClient: false, 65535, id => id < 65533, out var last));
        Assert.Equal(65533, last);
    }

    [Fact]
    public void TryAllocate_FirstAndStep_LowestFreeFromFirstLikeJanus()
    {
        Assert.True(DataChannelStreamIds.TryAllocate(1, 1, 65535, id => id is 1 or 2 or 4, out var id));
        Assert.Equal(3, id);
        Assert.True(DataChannelStreamIds.TryAllocate(0, 2, 65535, id => id is 0 or 2, out var even));
        Assert.Equal(4, even);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataChannelStreamIds.TryAllocate(0, 0, 65535, _ => false, out _));
    }
}
