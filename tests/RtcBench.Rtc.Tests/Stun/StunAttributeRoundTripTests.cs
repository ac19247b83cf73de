using System.Net;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Stun;

public sealed class StunAttributeRoundTripTests
{
    private static readonly byte[] Key = "a-password-of-22-chars"u8.ToArray();

    private static StunMessage RoundTrip(Action<StunMessageWriter> build, StunMessageType? type = null)
    {
        var buffer = new byte[1500];
        var writer = new StunMessageWriter(buffer, type ?? StunMessageType.BindingRequest, StunTransactionId.New());
        build(writer);
        // A ref struct captured by a delegate is a copy: rebuild the bytes from the header's length field.
        int length = StunMessageReader.HeaderSize + ((buffer[2] << 8) | buffer[3]);
        var bytes = buffer.AsSpan(0, length);
        Assert.True(StunMessageReader.IsStun(bytes));
        Assert.True(StunMessageReader.TryRead(bytes, out var message));
        return message;
    }

    [Theory]
    [InlineData("192.0.2.1", 1)]
    [InlineData("203.0.113.250", 65535)]
    [InlineData("2001:db8::1", 5000)]
    [InlineData("fe80::1234:5678:9abc:def0", 0)]
    public void XorMappedAddress_Written_ReadsBack(string address, int port)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(address), port);
        var m = RoundTrip(w => w.AddXorMappedAddress(endpoint));
        Assert.True(m.TryGetXorMappedAddress(out var read));
        Assert.Equal(endpoint, read);
        Assert.True(m.TryGetAttribute(StunAttributeType.XorMappedAddress, out var raw));
        Assert.Equal(endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 8 : 20, raw.Value.Length);
    }

    [Theory]
    [InlineData("192.0.2.1", 3478)]
    [InlineData("2001:db8::1", 3478)]
    public void MappedAddress_Written_ReadsBack(string address, int port)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(address), port);
        var m = RoundTrip(w => w.AddMappedAddress(endpoint));
        Assert.True(m.TryGetMappedAddress(out var read));
        Assert.Equal(endpoint, read);
    }

    [Fact]
    public void XorMappedAddress_IPv4MappedIPv6Source_WrittenAsIPv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 4000);
        var m = RoundTrip(w => w.AddXorMappedAddress(mapped));
        Assert.True(m.TryGetXorMappedAddress(out var read));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 4000), read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("abcde")]
    [InlineData("évtj:h6vY€")]
    public void Username_OddLengths_PaddedAndReadBack(string username)
    {
        var m = RoundTrip(w =>
        {
            w.AddUsername(username);
            w.AddPriority(7);
        });
        Assert.True(m.TryGetUsername(out var read));
        Assert.Equal(username, read);
        Assert.True(m.TryGetPriority(out var priority));
        Assert.Equal(7u, priority);
        Assert.Equal(0, (m.Raw.Length - StunMessageReader.HeaderSize) % 4);
    }

    [Fact]
    public void Software_Written_ReadsBack()
    {
        var m = RoundTrip(w => w.AddSoftware("RtcBench 0.1"));
        Assert.True(m.TryGetSoftware(out var s));
        Assert.Equal("RtcBench 0.1", s);
    }

    [Theory]
    [InlineData(300, "Try Alternate")]
    [InlineData(400, "Bad Request")]
    [InlineData(401, "Unauthenticated")]
    [InlineData(420, "Unknown Attribute")]
    [InlineData(487, "Role Conflict")]
    [InlineData(699, "")]
    public void ErrorCode_Written_ReadsBack(int code, string reason)
    {
        var m = RoundTrip(w => w.AddErrorCode(code, reason), StunMessageType.BindingError);
        Assert.True(m.TryGetErrorCode(out var error));
        Assert.Equal(new StunErrorCode(code, reason), error);
    }

    [Fact]
    public void ErrorCode_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = new StunMessageWriter(new byte[100], StunMessageType.BindingError, default);
            w.AddErrorCode(200, "no");
        });
    }

    [Theory]
    [InlineData(new ushort[] { })]
    [InlineData(new ushort[] { 0x0030 })]
    [InlineData(new ushort[] { 0x0030, 0x0031 })]
    [InlineData(new ushort[] { 0x0030, 0x0031, 0x7FFF })]
    public void UnknownAttributes_Written_ReadsBack(ushort[] types)
    {
        var m = RoundTrip(w => w.AddUnknownAttributes(types), StunMessageType.BindingError);
        Assert.True(m.TryGetUnknownAttributes(out var read));
        Assert.Equal(types, read);
    }

    [Fact]
    public void IceAttributes_Written_ReadBack()
    {
        var m = RoundTrip(w =>
        {
            w.AddPriority(0x6e0001ff);
            w.AddUseCandidate();
            w.AddIceControlling(0x0123456789ABCDEF);
            w.AddIceControlled(0xFEDCBA9876543210);
        });
        Assert.True(m.TryGetPriority(out var priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(m.HasUseCandidate);
        Assert.True(m.TryGetIceControlling(out var controlling));
        Assert.Equal(0x0123456789ABCDEFul, controlling);
        Assert.True(m.TryGetIceControlled(out var controlled));
        Assert.Equal(0xFEDCBA9876543210ul, controlled);
    }

    [Fact]
    public void UnknownAttribute_RawValue_PreservedAndReportable()
    {
        var m = RoundTrip(w =>
        {
            w.AddRaw(StunAttributeType.GoogNetworkInfo, [0x00, 0x01, 0x03, 0xE7]);
            w.AddRaw(0x7777, [1, 2, 3]);
            w.AddRaw(StunAttributeType.Realm, "example.org"u8);
        });
        Assert.True(m.TryGetAttribute(StunAttributeType.GoogNetworkInfo, out var goog));
        Assert.False(goog.IsComprehensionRequired);
        Assert.Equal(new byte[] { 0x00, 0x01, 0x03, 0xE7 }, goog.Value.ToArray());
        Assert.True(m.TryGetAttribute(0x7777, out var odd));
        Assert.Equal(new byte[] { 1, 2, 3 }, odd.Value.ToArray());
        Span<ushort> unknown = stackalloc ushort[4];
        Assert.Equal(2, m.GetUnknownComprehensionRequired(unknown));
        Assert.Equal(0x7777, unknown[0]);
        Assert.Equal(StunAttributeType.Realm, unknown[1]);
    }

    [Fact]
    public void MessageIntegritySha256_Written_Verifies()
    {
        var buffer = new byte[200];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.New());
        w.AddUsername("abcd:efgh");
        w.AddMessageIntegrity(Key);
        w.AddMessageIntegritySha256(Key);
        w.AddFingerprint();
        var bytes = w.ToArray();
        Assert.True(StunMessageReader.VerifyIntegrity(bytes, Key));
        Assert.True(StunMessageReader.VerifyIntegritySha256(bytes, Key));
        Assert.False(StunMessageReader.VerifyIntegritySha256(bytes, "other"u8));
        Assert.True(StunMessageReader.VerifyFingerprint(bytes));
        Assert.True(StunMessageReader.TryRead(bytes, out var m));
        Assert.Equal(4, m.Attributes.Count);
        Assert.True(m.TryGetFingerprint(out _));
    }

    [Fact]
    public void Writer_AttributeAfterFingerprint_Throws()
    {
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new StunMessageWriter(new byte[100], StunMessageType.BindingRequest, default);
            w.AddFingerprint();
            w.AddPriority(1);
        });
    }

    [Fact]
    public void Writer_UsernameAfterIntegrity_Throws()
    {
        Assert.Throws<InvalidOperationException>(() =>
        {
            var w = new StunMessageWriter(new byte[100], StunMessageType.BindingRequest, default);
            w.AddMessageIntegrity(Key);
            w.AddUsername("late");
        });
    }

    [Fact]
    public void Writer_BufferTooSmall_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new StunMessageWriter(new byte[24], StunMessageType.BindingRequest, default);
            w.AddPriority(1);
            w.AddPriority(2);
        });
    }

    [Fact]
    public void TransactionId_New_IsRandomAndRoundTrips()
    {
        var a = StunTransactionId.New();
        var b = StunTransactionId.New();
        Assert.NotEqual(a, b);
        var bytes = new byte[12];
        a.WriteTo(bytes);
        Assert.Equal(a, StunTransactionId.Read(bytes));
        Assert.Equal(24, a.ToString().Length);
    }
}
