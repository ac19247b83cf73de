using System.Net;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Stun;

public sealed class StunVectorTests
{
    private static readonly StunTransactionId VectorId = StunTransactionId.Read(StunVectors.TransactionId);

    [Fact]
    public void SampleRequest_Parsed_HasEveryAttribute()
    {
        Assert.True(StunMessageReader.TryRead(StunVectors.SampleRequest, out var m));
        Assert.Equal(StunMessageType.BindingRequest, m.Type);
        Assert.Equal(VectorId, m.TransactionId);
        Assert.True(m.TryGetSoftware(out var software));
        Assert.Equal("STUN test client", software);
        Assert.True(m.TryGetPriority(out var priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(m.TryGetIceControlled(out var tieBreaker));
        Assert.Equal(0x932ff9b151263b36ul, tieBreaker);
        Assert.True(m.TryGetUsername(out var username));
        Assert.Equal("evtj:h6vY", username);
        Assert.Equal(6, m.Attributes.Count);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector_RightPassword_IntegrityAndFingerprintVerify(string name, byte[] vector)
    {
        Assert.True(StunMessageReader.IsStun(vector), name);
        Assert.True(StunMessageReader.VerifyIntegrity(vector, StunVectors.Password), name);
        Assert.True(StunMessageReader.VerifyFingerprint(vector), name);
        Assert.True(StunMessageReader.TryRead(vector, out var m));
        Assert.True(m.VerifyIntegrity(StunVectors.Password));
        Assert.True(m.VerifyFingerprint());
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector_WrongPassword_IntegrityFails(string name, byte[] vector)
    {
        Assert.False(StunMessageReader.VerifyIntegrity(vector, "VOkJxbRl1RmTxUk/WvJxBu"u8), name);
        Assert.False(StunMessageReader.VerifyIntegritySha256(vector, StunVectors.Password), name);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Vector_AnyByteFlipped_IntegrityOrFingerprintFails(string name, byte[] vector)
    {
        for (int i = 0; i < vector.Length; i++)
        {
            var copy = (byte[])vector.Clone();
            copy[i] ^= 0x01;
            bool integrity = StunMessageReader.VerifyIntegrity(copy, StunVectors.Password);
            bool fingerprint = StunMessageReader.VerifyFingerprint(copy);
            Assert.False(integrity && fingerprint, $"{name}: byte {i}");
        }
    }

    [Fact]
    public void SampleIPv4Response_Parsed_MapsTo192_0_2_1()
    {
        Assert.True(StunMessageReader.TryRead(StunVectors.SampleIPv4Response, out var m));
        Assert.Equal(StunMessageType.BindingSuccess, m.Type);
        Assert.True(m.TryGetSoftware(out var software));
        Assert.Equal("test vector", software);
        Assert.True(m.TryGetXorMappedAddress(out var endpoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), endpoint);
    }

    [Fact]
    public void SampleIPv6Response_Parsed_MapsToDocumentationAddress()
    {
        Assert.True(StunMessageReader.TryRead(StunVectors.SampleIPv6Response, out var m));
        Assert.True(m.TryGetXorMappedAddress(out var endpoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), endpoint);
    }

    [Fact]
    public void SampleRequest_Reencoded_IsByteIdentical()
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingRequest, VectorId, paddingByte: 0x20);
        w.AddSoftware("STUN test client");
        w.AddPriority(0x6e0001ff);
        w.AddIceControlled(0x932ff9b151263b36);
        w.AddUsername("evtj:h6vY");
        w.AddMessageIntegrity(StunVectors.Password);
        w.AddFingerprint();
        Assert.Equal(Convert.ToHexString(StunVectors.SampleRequest), Convert.ToHexString(w.Written));
    }

    [Fact]
    public void SampleIPv4Response_Reencoded_IsByteIdentical()
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, VectorId, paddingByte: 0x20);
        w.AddSoftware("test vector");
        w.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853));
        w.AddMessageIntegrity(StunVectors.Password);
        w.AddFingerprint();
        Assert.Equal(Convert.ToHexString(StunVectors.SampleIPv4Response), Convert.ToHexString(w.Written));
    }

    [Fact]
    public void SampleIPv6Response_Reencoded_IsByteIdentical()
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, VectorId, paddingByte: 0x20);
        w.AddSoftware("test vector");
        w.AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
        w.AddMessageIntegrity(StunVectors.Password);
        w.AddFingerprint();
        Assert.Equal(Convert.ToHexString(StunVectors.SampleIPv6Response), Convert.ToHexString(w.Written));
    }

    [Fact]
    public void SampleRequest_ReencodedFromParsedRawAttributes_IsByteIdentical()
    {
        Assert.True(StunMessageReader.TryRead(StunVectors.SampleRequest, out var m));
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, m.Type, m.TransactionId, paddingByte: 0x20);
        foreach (var a in m.Attributes)
        {
            if (a.Type is not (StunAttributeType.MessageIntegrity or StunAttributeType.Fingerprint))
            {
                w.AddRaw(a.Type, a.Value.Span);
            }
        }

        w.AddMessageIntegrity(StunVectors.Password);
        w.AddFingerprint();
        Assert.True(w.Written.SequenceEqual(StunVectors.SampleRequest));
    }

    public static TheoryData<string, byte[]> Vectors() => new()
    {
        { "2.1 request", StunVectors.SampleRequest },
        { "2.2 IPv4 response", StunVectors.SampleIPv4Response },
        { "2.3 IPv6 response", StunVectors.SampleIPv6Response },
    };
}
