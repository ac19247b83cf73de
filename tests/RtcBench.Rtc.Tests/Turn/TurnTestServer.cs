using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Tests.Turn;

/// <summary>
/// Hand-built server answers for <see cref="TurnClient"/> unit tests. The long-term key and MESSAGE-INTEGRITY are
/// computed here independently of the client (MD5 and HMAC-SHA1 straight from the RFC text).
/// </summary>
internal static class TurnTestServer
{
    public const string Username = "alice";
    public const string Password = "s3cret-pass";
    public const string Realm = "rtcbench";

    public static readonly IPEndPoint Server = new(IPAddress.Parse("192.0.2.10"), 3478);
    public static readonly IPEndPoint Relayed = new(IPAddress.Parse("192.0.2.10"), 49200);
    public static readonly IPEndPoint Mapped = new(IPAddress.Parse("198.51.100.4"), 61000);
    public static readonly IPEndPoint PeerEndpoint = new(IPAddress.Parse("203.0.113.5"), 40000);

#pragma warning disable CA5351 // MD5 is the long-term credential key derivation (RFC 8489 §9.2.2).
    public static byte[] Key(string password = Password) =>
        MD5.HashData(Encoding.UTF8.GetBytes($"{Username}:{Realm}:{password}"));
#pragma warning restore CA5351

    public static TurnClient NewClient(TurnClientOptions? options = null) =>
        new(Server, new TurnCredentials(Username, Password), options);

    public static StunMessage NextRequest(TurnClient client)
    {
        Assert.True(client.TryPollTransmit(out Transmit transmit), "expected a transmit");
        Assert.Equal(Server, transmit.Destination);
        Assert.True(StunMessageReader.TryRead(transmit.Payload, out var message));
        return message;
    }

    public static List<TurnEvent> Events(TurnClient client)
    {
        var events = new List<TurnEvent>();
        while (client.TryPollEvent(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    /// <summary>Recomputes MESSAGE-INTEGRITY of a raw request with <paramref name="key"/> and compares.</summary>
    public static bool IntegrityMatches(ReadOnlySpan<byte> raw, byte[] key)
    {
        int offset = 20;
        while (offset + 4 <= raw.Length)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(raw[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(raw[(offset + 2)..]);
            if (type == 0x0008)
            {
                byte[] prefix = raw[..offset].ToArray();
                BinaryPrimitives.WriteUInt16BigEndian(prefix.AsSpan(2), (ushort)(offset - 20 + 24));
#pragma warning disable CA5350 // HMAC-SHA1 is MESSAGE-INTEGRITY (RFC 8489 §14.5).
                byte[] mac = HMACSHA1.HashData(key, prefix);
#pragma warning restore CA5350
                return raw.Slice(offset + 4, 20).SequenceEqual(mac);
            }

            offset += 4 + ((length + 3) & ~3);
        }

        return false;
    }

    public static byte[] Unauthorized(StunMessage request, string nonce = "nonce-1") =>
        Error(request, StunErrorCode.Unauthenticated, Realm, nonce);

    public static byte[] StaleNonce(StunMessage request, string nonce) =>
        Error(request, StunErrorCode.StaleNonce, Realm, nonce);

    public static byte[] Error(StunMessage request, int code, string? realm = null, string? nonce = null,
        byte[]? key = null)
    {
        var buffer = new byte[1024];
        var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.ErrorResponse, request.Method),
            request.TransactionId);
        writer.AddErrorCode(code, "test");
        if (realm is not null)
        {
            writer.AddRealm(realm);
        }

        if (nonce is not null)
        {
            writer.AddNonce(nonce);
        }

        if (key is not null)
        {
            writer.AddMessageIntegrity(key);
        }

        return writer.ToArray();
    }

    public static byte[] AllocateSuccess(StunMessage request, uint lifetime = 600, byte[]? key = null)
    {
        var buffer = new byte[1024];
        var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.SuccessResponse, request.Method),
            request.TransactionId);
        writer.AddXorRelayedAddress(Relayed);
        writer.AddXorMappedAddress(Mapped);
        writer.AddLifetime(lifetime);
        writer.AddMessageIntegrity(key ?? Key());
        writer.AddFingerprint();
        return writer.ToArray();
    }

    /// <summary>A success answer with LIFETIME (Refresh) or none (CreatePermission, ChannelBind), with integrity.</summary>
    public static byte[] Success(StunMessage request, uint? lifetime = null, byte[]? key = null)
    {
        var buffer = new byte[1024];
        var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.SuccessResponse, request.Method),
            request.TransactionId);
        if (lifetime is { } seconds)
        {
            writer.AddLifetime(seconds);
        }

        writer.AddMessageIntegrity(key ?? Key());
        return writer.ToArray();
    }

    public static byte[] DataIndication(IPEndPoint peer, byte[] data)
    {
        var buffer = new byte[2048];
        var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.Indication, StunMethod.Data),
            StunTransactionId.New());
        writer.AddXorPeerAddress(peer);
        writer.AddData(data);
        return writer.ToArray();
    }

    /// <summary>Runs the 401 → authenticated Allocate → success exchange and drains the events.</summary>
    public static TurnClient Allocated(long nowNs = 0, TurnClientOptions? options = null)
    {
        var client = NewClient(options);
        client.Allocate(nowNs);
        var first = NextRequest(client);
        client.HandleDatagram(nowNs, Unauthorized(first));
        var second = NextRequest(client);
        client.HandleDatagram(nowNs, AllocateSuccess(second));
        Assert.Equal(TurnClientState.Allocated, client.State);
        Events(client);
        return client;
    }
}
