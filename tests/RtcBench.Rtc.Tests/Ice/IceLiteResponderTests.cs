using System.Net;
using System.Text;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Ice;

public sealed class IceLiteResponderTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials Local = new("LiTe", "localpassword0123456789");
    private static readonly IceCredentials Remote = new("chRm", "remotepassword012345678");
    private static readonly IPEndPoint Chromium = new(IPAddress.Loopback, 50123);
    private static readonly IPEndPoint Other = new(IPAddress.Parse("10.99.0.1"), 50124);
    private static readonly byte[] LocalKey = Encoding.UTF8.GetBytes(Local.Password);

    private static ChromiumCheck Check() => new("LiTe:chRm", Local.Password);

    private static IceLiteResponder NewResponder() => new(Local, Remote);

    private static StunMessage SingleResponse(IceLiteResponder responder, IPEndPoint expectedDestination)
    {
        Assert.True(responder.TryPollTransmit(out var transmit));
        Assert.False(responder.TryPollTransmit(out _));
        Assert.Equal(expectedDestination, transmit.Destination);
        Assert.True(StunMessageReader.TryRead(transmit.Payload, out var response));
        Assert.True(response.VerifyFingerprint());
        return response;
    }

    private static List<IceEvent> Events(IceLiteResponder responder)
    {
        var events = new List<IceEvent>();
        while (responder.TryPollEvent(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    private static void AssertError(StunMessage response, int code, bool authenticated)
    {
        Assert.Equal(StunClass.ErrorResponse, response.Class);
        Assert.True(response.TryGetErrorCode(out var error));
        Assert.Equal(code, error.Code);
        Assert.Equal(authenticated, response.Contains(StunAttributeType.MessageIntegrity));
        if (authenticated)
        {
            Assert.True(response.VerifyIntegrity(LocalKey));
        }
    }

    [Theory]
    [InlineData("127.0.0.1", 50123)]
    [InlineData("2001:db8::42", 61000)]
    public void ChromiumCheck_Valid_SuccessVerifiesWithLocalPasswordAndMapsSender(string address, int port)
    {
        var responder = NewResponder();
        var from = new IPEndPoint(IPAddress.Parse(address), port);
        var check = Check();
        Assert.True(responder.HandleDatagram(0, check.ToBytes(), from));

        var response = SingleResponse(responder, from);
        Assert.Equal(StunMessageType.BindingSuccess, response.Type);
        Assert.Equal(check.TransactionId, response.TransactionId);
        Assert.True(response.VerifyIntegrity(LocalKey));
        Assert.False(response.VerifyIntegrity(Encoding.UTF8.GetBytes(Remote.Password)));
        Assert.True(response.TryGetXorMappedAddress(out var mapped));
        Assert.Equal(from, mapped);
        Assert.Equal(1, responder.ChecksAnswered);
    }

    [Fact]
    public void Check_WrongPassword_DroppedAndCounted()
    {
        var responder = NewResponder();
        Assert.True(responder.HandleDatagram(0, (Check() with { Password = Remote.Password }).ToBytes(), Chromium));
        Assert.False(responder.TryPollTransmit(out _));
        Assert.Empty(Events(responder));
        Assert.Equal(1, responder.IntegrityFailures);
        Assert.Null(responder.SelectedEndpoint);
    }

    [Theory]
    [InlineData("chRm:LiTe")]
    [InlineData("LiTe:other")]
    [InlineData("LiTe")]
    [InlineData("LiTe:chRm ")]
    public void Check_WrongUsername_Answers401WithoutIntegrity(string username)
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { Username = username }).ToBytes(), Chromium);
        AssertError(SingleResponse(responder, Chromium), StunErrorCode.Unauthenticated, authenticated: false);
        Assert.Null(responder.SelectedEndpoint);
    }

    [Fact]
    public void Check_MissingUsername_Answers400()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { WithUsername = false }).ToBytes(), Chromium);
        AssertError(SingleResponse(responder, Chromium), StunErrorCode.BadRequest, authenticated: false);
    }

    [Fact]
    public void Check_MissingIntegrity_Answers400()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { WithIntegrity = false }).ToBytes(), Chromium);
        AssertError(SingleResponse(responder, Chromium), StunErrorCode.BadRequest, authenticated: false);
    }

    [Fact]
    public void Check_MissingPriority_Answers400Authenticated()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { WithPriority = false }).ToBytes(), Chromium);
        AssertError(SingleResponse(responder, Chromium), StunErrorCode.BadRequest, authenticated: true);
        Assert.Null(responder.SelectedEndpoint);
    }

    [Fact]
    public void Check_MissingFingerprint_Answers400Authenticated()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { WithFingerprint = false }).ToBytes(), Chromium);
        AssertError(SingleResponse(responder, Chromium), StunErrorCode.BadRequest, authenticated: true);
    }

    [Fact]
    public void Check_CorruptFingerprint_DroppedAndCounted()
    {
        var responder = NewResponder();
        var bytes = Check().ToBytes();
        bytes[^1] ^= 0xFF;
        Assert.True(responder.HandleDatagram(0, bytes, Chromium));
        Assert.False(responder.TryPollTransmit(out _));
        Assert.Equal(1, responder.FingerprintFailures);
    }

    [Fact]
    public void Check_UnknownComprehensionRequired_Answers420ListingIt()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { ExtraAttribute = 0x0777 }).ToBytes(), Chromium);
        var response = SingleResponse(responder, Chromium);
        AssertError(response, StunErrorCode.UnknownAttribute, authenticated: true);
        Assert.True(response.TryGetUnknownAttributes(out var types));
        Assert.Equal(new ushort[] { 0x0777 }, types);
    }

    [Fact]
    public void Check_UnknownComprehensionOptional_Succeeds()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { ExtraAttribute = 0xC0DE }).ToBytes(), Chromium);
        Assert.Equal(StunClass.SuccessResponse, SingleResponse(responder, Chromium).Class);
    }

    [Fact]
    public void Check_IceControlled_Answers487Authenticated()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { Controlled = true }).ToBytes(), Chromium);
        AssertError(SingleResponse(responder, Chromium), StunErrorCode.RoleConflict, authenticated: true);
        Assert.Equal(1, responder.RoleConflicts);
        Assert.Null(responder.SelectedEndpoint);
    }

    [Fact]
    public void Datagram_NotStun_NotConsumed()
    {
        var responder = NewResponder();
        byte[] dtls = [0x16, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.False(responder.HandleDatagram(0, dtls, Chromium));
        Assert.False(responder.TryPollTransmit(out _));
    }

    [Theory]
    [InlineData(StunClass.Indication)]
    [InlineData(StunClass.SuccessResponse)]
    [InlineData(StunClass.ErrorResponse)]
    public void Datagram_NotARequest_Ignored(StunClass stunClass)
    {
        var responder = NewResponder();
        var bytes = (Check() with { Type = new StunMessageType(stunClass, StunMethod.Binding) }).ToBytes();
        Assert.True(responder.HandleDatagram(0, bytes, Chromium));
        Assert.False(responder.TryPollTransmit(out _));
        Assert.Equal(1, responder.Ignored);
    }

    [Fact]
    public void Request_OtherMethod_Answers400()
    {
        var responder = NewResponder();
        var bytes = (Check() with { Type = new StunMessageType(StunClass.Request, (StunMethod)0x003) }).ToBytes();
        responder.HandleDatagram(0, bytes, Chromium);
        var response = SingleResponse(responder, Chromium);
        AssertError(response, StunErrorCode.BadRequest, authenticated: false);
        Assert.Equal((StunMethod)0x003, response.Method);
    }

    [Fact]
    public void FirstValidCheck_WithoutUseCandidate_SelectedNotNominated()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, Check().ToBytes(), Chromium);
        Assert.Equal([IceEvent.Selected(Chromium, nominated: false)], Events(responder));
        Assert.Equal(Chromium, responder.SelectedEndpoint);
        Assert.False(responder.IsNominated);
    }

    [Fact]
    public void UseCandidate_AfterFirstCheck_RaisesNominatedSelected()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, Check().ToBytes(), Chromium);
        responder.HandleDatagram(40 * Ms, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        Assert.Equal(
            [IceEvent.Selected(Chromium, nominated: false), IceEvent.Selected(Chromium, nominated: true)],
            Events(responder));
        Assert.True(responder.IsNominated);

        // Repeated nominations of the same endpoint raise nothing new.
        responder.HandleDatagram(80 * Ms, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        Assert.Empty(Events(responder));
    }

    [Fact]
    public void ValidCheck_OtherEndpointBeforeNomination_SwitchesToLatest()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, Check().ToBytes(), Chromium);
        responder.HandleDatagram(10 * Ms, Check().ToBytes(), Other);
        Assert.Equal(
            [IceEvent.Selected(Chromium, nominated: false), IceEvent.Selected(Other, nominated: false)],
            Events(responder));
    }

    [Fact]
    public void Data_FromEarlierCheckedEndpointBeforeNomination_AcceptedAndSelectionFollowsIt()
    {
        // werift with two candidates: checks from both, ClientHello on the first pair that succeeded, USE-CANDIDATE
        // only with its consent checks ~5 s later.
        var responder = NewResponder();
        responder.HandleDatagram(0, Check().ToBytes(), Chromium);
        responder.HandleDatagram(10 * Ms, Check().ToBytes(), Other);
        Assert.Equal(Other, responder.SelectedEndpoint);
        Events(responder);

        Assert.True(responder.AcceptData(12 * Ms, Chromium));
        Assert.Equal([IceEvent.Selected(Chromium, nominated: false)], Events(responder));
        Assert.Equal(Chromium, responder.SelectedEndpoint);

        // Checks from the other candidate go on; they no longer move the selection away from the data.
        responder.HandleDatagram(60 * Ms, Check().ToBytes(), Other);
        Assert.Empty(Events(responder));
        Assert.Equal(Chromium, responder.SelectedEndpoint);
        Assert.True(responder.AcceptData(61 * Ms, Chromium));
        Assert.Empty(Events(responder));

        // Data moving to the other succeeded pair is followed too, until nomination.
        Assert.True(responder.AcceptData(70 * Ms, Other));
        Assert.Equal([IceEvent.Selected(Other, nominated: false)], Events(responder));

        responder.HandleDatagram(5 * S, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        Assert.Equal([IceEvent.Selected(Chromium, nominated: true)], Events(responder));
        Assert.False(responder.AcceptData(5 * S + Ms, Other));
        Assert.True(responder.AcceptData(5 * S + Ms, Chromium));
        Assert.Equal(1, responder.DataRefused);
    }

    [Fact]
    public void Data_BothEndpointsNominated_FollowsTheDataAndLaterNominationsDoNotMoveIt()
    {
        // werift 0.24 with two candidates: a plain check and then a USE-CANDIDATE check from each, ClientHello from
        // the first. The latest nomination must not strand the DTLS that arrives on the other nominated pair.
        var responder = NewResponder();
        responder.HandleDatagram(0, Check().ToBytes(), Chromium);
        responder.HandleDatagram(Ms, Check().ToBytes(), Other);
        responder.HandleDatagram(2 * Ms, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        responder.HandleDatagram(3 * Ms, (Check() with { UseCandidate = true }).ToBytes(), Other);
        Assert.Equal(Other, responder.SelectedEndpoint);
        Assert.True(responder.IsNominated);
        Events(responder);

        Assert.True(responder.AcceptData(100 * Ms, Chromium));
        Assert.Equal([IceEvent.Selected(Chromium, nominated: true)], Events(responder));
        responder.HandleDatagram(5 * S, (Check() with { UseCandidate = true }).ToBytes(), Other);
        Assert.Empty(Events(responder));
        Assert.Equal(Chromium, responder.SelectedEndpoint);

        // An endpoint checked but never nominated gets nothing once others are nominated.
        var third = new IPEndPoint(IPAddress.Loopback, 50125);
        responder.HandleDatagram(5 * S + Ms, Check().ToBytes(), third);
        Assert.False(responder.AcceptData(5 * S + 2 * Ms, third));
    }

    [Fact]
    public void Data_FromEndpointWithoutSucceededCheck_Refused()
    {
        var responder = NewResponder();
        Assert.False(responder.AcceptData(0, Chromium)); // Nothing checked yet.
        responder.HandleDatagram(Ms, (Check() with { WithIntegrity = false }).ToBytes(), Other); // A failed check (400).
        responder.HandleDatagram(2 * Ms, Check().ToBytes(), Chromium);
        Events(responder);
        Assert.False(responder.AcceptData(3 * Ms, Other));
        Assert.False(responder.AcceptData(3 * Ms, new IPEndPoint(IPAddress.Loopback, 9)));
        Assert.Empty(Events(responder));
        Assert.Equal(Chromium, responder.SelectedEndpoint);
        Assert.Equal(3, responder.DataRefused);
    }

    [Fact]
    public void Data_FromEndpointWhoseLastCheckIsOlderThanConsent_Refused()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, Check().ToBytes(), Other);
        for (long t = 0; t <= 40 * S; t += 5 * S)
        {
            responder.HandleDatagram(t + Ms, Check().ToBytes(), Chromium);
            Assert.True(responder.AcceptData(t + 2 * Ms, Chromium));
        }

        Assert.False(responder.AcceptData(40 * S + 3 * Ms, Other)); // Its only check was 40 s ago.
        Assert.Equal(Chromium, responder.SelectedEndpoint);
    }

    [Fact]
    public void ValidEndpoints_BoundedByMaxValidEndpoints_LeastRecentlyCheckedForgotten()
    {
        var responder = NewResponder();
        var endpoints = Enumerable.Range(0, IceLiteResponder.MaxValidEndpoints + 1).Select(i => new IPEndPoint(IPAddress.Loopback, 40000 + i)).ToArray();
        for (int i = 0; i < endpoints.Length; i++)
        {
            responder.HandleDatagram(i * Ms, Check().ToBytes(), endpoints[i]);
        }

        Assert.False(responder.AcceptData(20 * Ms, endpoints[0]));
        Assert.True(responder.AcceptData(20 * Ms, endpoints[1]));
    }

    [Fact]
    public void ValidCheck_OtherEndpointAfterNomination_AnsweredButSelectionKept()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        Events(responder);
        SingleResponse(responder, Chromium);

        responder.HandleDatagram(10 * Ms, Check().ToBytes(), Other);
        Assert.Equal(StunClass.SuccessResponse, SingleResponse(responder, Other).Class);
        Assert.Empty(Events(responder));
        Assert.Equal(Chromium, responder.SelectedEndpoint);

        // Renomination moves it.
        responder.HandleDatagram(20 * Ms, (Check() with { UseCandidate = true }).ToBytes(), Other);
        Assert.Equal([IceEvent.Selected(Other, nominated: true)], Events(responder));
    }

    [Fact]
    public void ConsentChecks_Every5sFor2Minutes_ResponsesFlowAndNoExpiry()
    {
        var responder = NewResponder();
        Assert.Equal(RtcTime.Never, responder.NextTimeoutNs);
        responder.HandleDatagram(0, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        Events(responder);
        for (long t = 0; t <= 120 * S; t += 5 * S)
        {
            if (t > 0)
            {
                responder.HandleDatagram(t, Check().ToBytes(), Chromium);
            }

            Assert.Equal(StunClass.SuccessResponse, SingleResponse(responder, Chromium).Class);
            Assert.Equal(t + (30 * S), responder.NextTimeoutNs);
            responder.HandleTimeout(t + (29 * S));
            Assert.Empty(Events(responder));
        }

        Assert.Equal(25, responder.ChecksAnswered);
        Assert.Equal(Chromium, responder.SelectedEndpoint);
    }

    [Fact]
    public void Silence_30Seconds_ConsentExpiresExactlyAtDeadline()
    {
        var responder = NewResponder();
        responder.HandleDatagram(1 * S, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        responder.HandleDatagram(6 * S, Check().ToBytes(), Chromium);
        Events(responder);
        Assert.Equal(36 * S, responder.NextTimeoutNs);

        responder.HandleTimeout((36 * S) - 1);
        Assert.Empty(Events(responder));

        responder.HandleTimeout(36 * S);
        Assert.Equal([IceEvent.ConsentExpired(Chromium)], Events(responder));
        Assert.Null(responder.SelectedEndpoint);
        Assert.Equal(RtcTime.Never, responder.NextTimeoutNs);

        responder.HandleTimeout(100 * S);
        Assert.Empty(Events(responder));
    }

    [Fact]
    public void ChecksFromOtherEndpoint_DoNotRefreshSelectedConsent()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        for (long t = 5 * S; t < 30 * S; t += 5 * S)
        {
            responder.HandleDatagram(t, Check().ToBytes(), Other);
        }

        Events(responder);
        responder.HandleTimeout(30 * S);
        Assert.Equal([IceEvent.ConsentExpired(Chromium)], Events(responder));
    }

    [Fact]
    public void FailedChecks_DoNotRefreshConsent()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        responder.HandleDatagram(20 * S, (Check() with { Password = Remote.Password }).ToBytes(), Chromium);
        responder.HandleDatagram(25 * S, (Check() with { Controlled = true }).ToBytes(), Chromium);
        Events(responder);
        Assert.Equal(30 * S, responder.NextTimeoutNs);
    }

    [Fact]
    public void LateDatagram_AfterDeadline_ExpiresBeforeHandling()
    {
        var responder = NewResponder();
        responder.HandleDatagram(0, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        Events(responder);
        responder.HandleDatagram(31 * S, (Check() with { UseCandidate = true }).ToBytes(), Chromium);
        Assert.Equal(
            [IceEvent.ConsentExpired(Chromium), IceEvent.Selected(Chromium, nominated: true)],
            Events(responder));
    }

    [Fact]
    public void TransmitQueue_NotDrained_BoundedAndCounted()
    {
        var responder = NewResponder();
        for (int i = 0; i < IceLiteResponder.QueueLimit + 10; i++)
        {
            responder.HandleDatagram(i * Ms, Check().ToBytes(), Chromium);
        }

        int count = 0;
        while (responder.TryPollTransmit(out _))
        {
            count++;
        }

        Assert.Equal(IceLiteResponder.QueueLimit, count);
        Assert.Equal(10, responder.QueueOverflows);
    }

    [Fact]
    public void HandleDatagram_HostileInputs_NeverThrow()
    {
        const int seed = 7675;
        var random = new Random(seed);
        var responder = NewResponder();
        var valid = Check().ToBytes();
        var buffer = new byte[valid.Length];
        for (int i = 0; i < 20_000; i++)
        {
            valid.CopyTo(buffer, 0);
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                buffer[random.Next(buffer.Length)] = (byte)random.Next(256);
            }

            int length = random.Next(4) == 0 ? random.Next(buffer.Length) : buffer.Length;
            responder.HandleDatagram(i * Ms, buffer.AsSpan(0, length), Chromium);
            while (responder.TryPollTransmit(out _) || responder.TryPollEvent(out _))
            {
            }
        }

        Assert.True(responder.Malformed + responder.FingerprintFailures + responder.IntegrityFailures > 0, $"seed {seed}");
    }
}
