using System.Text;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Turn;
using static RtcBench.Rtc.Tests.Turn.TurnTestServer;

namespace RtcBench.Rtc.Tests.Turn;

public sealed class TurnClientAllocateTests
{
    private const long Ms = RtcTime.NsPerMs;

    [Fact]
    public void Allocate_FirstRequest_IsUnauthenticatedUdpAllocate()
    {
        var client = NewClient();
        client.Allocate(0);
        var request = NextRequest(client);
        Assert.Equal(StunMethod.Allocate, request.Method);
        Assert.Equal(StunClass.Request, request.Class);
        Assert.True(request.TryGetAttribute(StunAttributeType.RequestedTransport, out var transport));
        Assert.Equal(new byte[] { 17, 0, 0, 0 }, transport.Value.ToArray());
        Assert.False(request.Contains(StunAttributeType.MessageIntegrity));
        Assert.False(request.Contains(StunAttributeType.Username));
        Assert.Equal(TurnClientState.Allocating, client.State);
    }

    [Fact]
    public void Allocate_401_RetriesWithCredentialsAndCorrectIntegrity()
    {
        var client = NewClient();
        client.Allocate(0);
        var first = NextRequest(client);
        client.HandleDatagram(1 * Ms, Unauthorized(first, "nonce-abc"));

        Assert.True(client.TryPollTransmit(out var transmit));
        Assert.True(StunMessageReader.TryRead(transmit.Payload, out var retry));
        Assert.NotEqual(first.TransactionId, retry.TransactionId);
        Assert.Equal(StunMethod.Allocate, retry.Method);
        Assert.True(retry.TryGetUsername(out string username));
        Assert.Equal(Username, username);
        Assert.True(retry.TryGetRealm(out string realm));
        Assert.Equal(Realm, realm);
        Assert.True(retry.TryGetNonce(out string nonce));
        Assert.Equal("nonce-abc", nonce);
        Assert.True(retry.Contains(StunAttributeType.RequestedTransport));
        Assert.True(IntegrityMatches(transmit.Payload, Key()), "MESSAGE-INTEGRITY keyed with MD5(user:realm:pass)");
        Assert.False(IntegrityMatches(transmit.Payload, Key("other")));
        Assert.True(retry.VerifyFingerprint());
        Assert.DoesNotContain(Password, Encoding.UTF8.GetString(transmit.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_Success_ReportsRelayedMappedAndLifetime()
    {
        var client = NewClient();
        client.Allocate(0);
        client.HandleDatagram(0, Unauthorized(NextRequest(client)));
        client.HandleDatagram(10 * Ms, AllocateSuccess(NextRequest(client), lifetime: 300));

        Assert.Equal(TurnClientState.Allocated, client.State);
        Assert.Equal(Relayed, client.RelayedAddress);
        Assert.Equal(Mapped, client.MappedAddress);
        Assert.Equal(10 * Ms + 300 * RtcTime.NsPerSecond, client.AllocationExpiresNs);
        var events = Events(client);
        Assert.Equal(TurnEventKind.Allocated, Assert.Single(events).Kind);
    }

    [Fact]
    public void Allocate_StaleNonce_RetriesWithTheNewNonce()
    {
        var client = NewClient();
        client.Allocate(0);
        client.HandleDatagram(0, Unauthorized(NextRequest(client), "old"));
        var authenticated = NextRequest(client);
        client.HandleDatagram(0, StaleNonce(authenticated, "fresh"));

        Assert.True(client.TryPollTransmit(out var transmit));
        Assert.True(StunMessageReader.TryRead(transmit.Payload, out var retry));
        Assert.True(retry.TryGetNonce(out string nonce));
        Assert.Equal("fresh", nonce);
        Assert.True(IntegrityMatches(transmit.Payload, Key()));
        Assert.Equal(1, client.StaleNonces);
        client.HandleDatagram(0, AllocateSuccess(retry));
        Assert.Equal(TurnClientState.Allocated, client.State);
    }

    [Fact]
    public void Allocate_StaleNonceForever_FailsAfterTheRetryLimit()
    {
        var client = NewClient(new TurnClientOptions { MaxStaleNonceRetries = 2 });
        client.Allocate(0);
        client.HandleDatagram(0, Unauthorized(NextRequest(client)));
        for (int i = 0; i < 3; i++)
        {
            client.HandleDatagram(0, StaleNonce(NextRequest(client), $"n{i}"));
        }

        Assert.False(client.TryPollTransmit(out _));
        Assert.Equal(TurnClientState.Failed, client.State);
        Assert.Equal(TurnError.StaleNonce, client.Error);
    }

    [Fact]
    public void Allocate_401ToAuthenticatedRequest_FailsUnauthorized()
    {
        var client = NewClient();
        client.Allocate(0);
        client.HandleDatagram(0, Unauthorized(NextRequest(client)));
        client.HandleDatagram(0, Unauthorized(NextRequest(client), "again"));

        Assert.False(client.TryPollTransmit(out _));
        Assert.Equal(TurnClientState.Failed, client.State);
        Assert.Equal(TurnError.Unauthorized, client.Error);
        var failed = Assert.Single(Events(client));
        Assert.Equal(TurnEventKind.AllocationFailed, failed.Kind);
        Assert.Equal(401, failed.ErrorCode);
    }

    [Theory]
    [InlineData(437, TurnError.AllocationMismatch)]
    [InlineData(486, TurnError.QuotaReached)]
    [InlineData(508, TurnError.InsufficientCapacity)]
    [InlineData(441, TurnError.WrongCredentials)]
    [InlineData(442, TurnError.UnsupportedTransport)]
    [InlineData(403, TurnError.Forbidden)]
    [InlineData(500, TurnError.Rejected)]
    public void Allocate_ErrorCode_IsTypedOutcome(int code, TurnError expected)
    {
        var client = NewClient();
        client.Allocate(0);
        client.HandleDatagram(0, Unauthorized(NextRequest(client)));
        client.HandleDatagram(0, Error(NextRequest(client), code, key: Key()));

        Assert.Equal(TurnClientState.Failed, client.State);
        Assert.Equal(expected, client.Error);
        Assert.Equal(code, client.ErrorCode);
    }

    [Fact]
    public void Allocate_NoAnswer_RetransmitsPerRfc8489ThenTimesOut()
    {
        var client = NewClient();
        client.Allocate(0);
        byte[] original = NextRequestBytes(client);
        long[] expected = [500, 1500, 3500, 7500, 15500, 31500];
        foreach (long at in expected)
        {
            Assert.Equal(at * Ms, client.NextTimeoutNs);
            client.HandleTimeout(at * Ms - 1);
            Assert.False(client.TryPollTransmit(out _));
            client.HandleTimeout(at * Ms);
            Assert.Equal(original, NextRequestBytes(client));
        }

        Assert.Equal(39500 * Ms, client.NextTimeoutNs); // Rm × RTO = 16 × 500 ms after the 7th
        client.HandleTimeout(39500 * Ms);
        Assert.Equal(TurnClientState.Failed, client.State);
        Assert.Equal(TurnError.Timeout, client.Error);
        Assert.Equal(6, client.Retransmissions);
        Assert.Equal(RtcTime.Never, client.NextTimeoutNs);
    }

    [Fact]
    public void Allocate_SuccessWithWrongIntegrity_IsDroppedAndCounted()
    {
        var client = NewClient();
        client.Allocate(0);
        client.HandleDatagram(0, Unauthorized(NextRequest(client)));
        var request = NextRequest(client);
        client.HandleDatagram(0, AllocateSuccess(request, key: Key("forged")));

        Assert.Equal(TurnClientState.Allocating, client.State);
        Assert.Equal(1, client.IntegrityFailures);
        client.HandleDatagram(0, AllocateSuccess(request));
        Assert.Equal(TurnClientState.Allocated, client.State);
    }

    [Fact]
    public void Credentials_ToString_HidesPassword() =>
        Assert.DoesNotContain(Password, new TurnCredentials(Username, Password).ToString(), StringComparison.Ordinal);

    private static byte[] NextRequestBytes(TurnClient client)
    {
        Assert.True(client.TryPollTransmit(out var transmit));
        return transmit.Payload;
    }
}
