namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Association set-up (RFC 9260 §5.1–5.2): INIT → INIT-ACK with a signed state cookie (the responder keeps no
/// state) → COOKIE-ECHO → COOKIE-ACK. Both sides may initiate; simultaneous INITs resolve per §5.2.1/§5.2.4.
/// </summary>
public sealed partial class SctpAssociation
{
    private static readonly byte[] SupportedExtensions = [SctpChunkType.ReConfig, SctpChunkType.ForwardTsn];

    private InitChunk BuildInit() => new()
    {
        InitiateTag = _localTag,
        AdvertisedReceiverWindow = (uint)_options.ReceiveWindow,
        OutboundStreams = _options.OutboundStreams,
        InboundStreams = _options.InboundStreams,
        InitialTsn = _localInitialTsn,
        Parameters = [SctpTlv.Empty(SctpParameterType.ForwardTsnSupported), new SctpTlv(SctpParameterType.SupportedExtensions, SupportedExtensions)],
    };

    private SctpChunkResult OnInit(InitChunk init)
    {
        if (init.InitiateTag == 0)
        {
            return SctpChunkResult.Malformed; // RFC 9260 §3.3.2: Initiate Tag 0 is a protocol error
        }

        if (State is not (SctpState.Closed or SctpState.CookieWait or SctpState.CookieEchoed))
        {
            return Ignore(); // restart of an established association (§5.2.2) is not supported
        }

        // §5.2.1: during our own set-up, answer with the tag and TSN already in our INIT.
        var localTag = State == SctpState.Closed ? NewTag() : _localTag;
        var localTsn = State == SctpState.Closed ? (uint)_random.NextInt64(0, 1L << 32) : _localInitialTsn;
        var cookie = new SctpCookie(_now, init.InitiateTag, init.InitialTsn, init.AdvertisedReceiverWindow,
            init.OutboundStreams, init.InboundStreams, localTag, localTsn, init.SupportsForwardTsn, init.SupportsReConfig);
        var parameters = new List<SctpTlv>
        {
            new(SctpParameterType.StateCookie, cookie.Sign(_secret)),
            SctpTlv.Empty(SctpParameterType.ForwardTsnSupported),
            new(SctpParameterType.SupportedExtensions, SupportedExtensions),
        };
        AddUnrecognizedParameters(init, parameters);
        EmitSingle(new InitAckChunk
        {
            InitiateTag = localTag,
            AdvertisedReceiverWindow = (uint)_options.ReceiveWindow,
            OutboundStreams = _options.OutboundStreams,
            InboundStreams = _options.InboundStreams,
            InitialTsn = localTsn,
            Parameters = parameters,
        }, init.InitiateTag);
        return SctpChunkResult.Stop; // INIT must be alone in its packet (§6.10)
    }

    /// <summary>RFC 9260 §3.2.1: unknown parameters whose type has bit 0x4000 set are reported back.</summary>
    private static void AddUnrecognizedParameters(InitChunk init, List<SctpTlv> into)
    {
        foreach (var p in init.Parameters)
        {
            var known = p.Type is SctpParameterType.Ipv4Address or SctpParameterType.Ipv6Address or SctpParameterType.CookiePreservative
                or SctpParameterType.HostNameAddress or SctpParameterType.SupportedAddressTypes or SctpParameterType.ForwardTsnSupported
                or SctpParameterType.SupportedExtensions or SctpParameterType.ZeroChecksumAcceptable or 0x8000;
            if (known)
            {
                continue;
            }

            if ((p.Type & 0x4000) != 0)
            {
                var raw = new byte[p.Length];
                SctpTlv.WriteAll([p], raw);
                into.Add(new SctpTlv(SctpParameterType.UnrecognizedParameter, raw));
            }

            if ((p.Type & 0x8000) == 0)
            {
                break; // "stop processing this parameter and any further ones"
            }
        }
    }

    private SctpChunkResult OnInitAck(InitAckChunk ack)
    {
        if (State != SctpState.CookieWait)
        {
            return Ignore(); // §5.2.3: duplicate or late INIT-ACK
        }

        if (ack.InitiateTag == 0 || ack.StateCookie is not { Length: > 0 } cookie)
        {
            return SctpChunkResult.Malformed; // §3.3.3: Initiate Tag 0, or no State Cookie
        }

        _peerTag = ack.InitiateTag;
        SetUpPeer(ack.InitialTsn, ack.AdvertisedReceiverWindow, ack.SupportsForwardTsn, ack.SupportsReConfig);
        State = SctpState.CookieEchoed;
        _t1Chunk = new CookieEchoChunk { Cookie = cookie };
        _control.Enqueue(_t1Chunk);
        StartT1();
        return SctpChunkResult.Stop; // INIT-ACK is alone in its packet (§6.10); done, not malformed
    }

    private SctpChunkResult OnCookieEcho(SctpCommonHeader header, CookieEchoChunk echo)
    {
        var fresh = SctpCookie.TryValidate(echo.Cookie, _secret, _now, _options.CookieLifetimeNs, out var c);
        if (c is null || header.VerificationTag != c.LocalTag)
        {
            Stats.BadCookies++;
            return SctpChunkResult.Stop;
        }

        if (State is not (SctpState.Closed or SctpState.CookieWait or SctpState.CookieEchoed) && c.LocalTag == _localTag && c.PeerTag == _peerTag)
        {
            _control.Enqueue(new CookieAckChunk()); // §5.2.4 case D: our COOKIE-ACK was lost (age irrelevant: same association)
            return SctpChunkResult.Continue;
        }

        if (!fresh)
        {
            // RFC 9260 §3.3.10.3/§5.2.6: tell the initiator (tag from the cookie) so it starts over with INIT.
            Stats.BadCookies++;
            var staleness = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(staleness,
                (uint)Math.Min(uint.MaxValue, (_now - c.CreatedNs - _options.CookieLifetimeNs) / 1000));
            EmitSingle(new ErrorChunk { Items = [new SctpTlv(SctpErrorCauseCode.StaleCookie, staleness)] }, c.PeerTag);
            return SctpChunkResult.Stop;
        }

        if (State is SctpState.Closed or SctpState.CookieWait or SctpState.CookieEchoed)
        {
            // In COOKIE-WAIT a cookie with another local tag can only be one we signed while still CLOSED (the peer's
            // INIT reached us before we sent ours): the peer accepted that INIT-ACK, so we adopt its tags and TSNs and
            // our own INIT is forgotten. RFC 9260 §5.2.4 would discard it and wait for our INIT to be answered, which
            // also ends in one association, but only after another round trip, or many under loss. In COOKIE-ECHOED
            // the peer already has our tag from its INIT-ACK, so a foreign cookie there is discarded (case C).
            if (State == SctpState.CookieEchoed && c.LocalTag != _localTag)
            {
                Stats.BadCookies++;
                return SctpChunkResult.Stop;
            }

            _localTag = c.LocalTag;
            _localInitialTsn = c.LocalInitialTsn;
            _peerTag = c.PeerTag;
            SetUpPeer(c.PeerInitialTsn, c.PeerReceiverWindow, c.PeerForwardTsn, c.PeerReConfig);
            _control.Enqueue(new CookieAckChunk());
            Establish();
            return SctpChunkResult.Continue;
        }

        return Ignore(); // restart (§5.2.4 case A) is not supported
    }

    /// <summary>RFC 9260 §5.2.6: a Stale Cookie error in COOKIE-ECHOED sends us back to INIT.</summary>
    private SctpChunkResult OnError(ErrorChunk error)
    {
        if (State == SctpState.CookieEchoed && error.Items.Count > 0 && error.Items[0].Type == SctpErrorCauseCode.StaleCookie)
        {
            _control.Clear();
            State = SctpState.CookieWait;
            _peerTag = 0;
            _t1Chunk = BuildInit();
            EmitSingle(_t1Chunk, 0);
            Stats.InitsSent++;
            StartT1();
            return SctpChunkResult.Stop;
        }

        return Ignore();
    }

    private SctpChunkResult OnCookieAck()
    {
        if (State == SctpState.CookieEchoed)
        {
            Establish();
        }

        return SctpChunkResult.Continue;
    }

    private void SetUpPeer(uint peerInitialTsn, uint peerWindow, bool forwardTsn, bool reConfig)
    {
        _rx.Initialize(peerInitialTsn);
        _tx.Initialize(_localInitialTsn, peerWindow);
        _tx.PeerSupportsForwardTsn = forwardTsn;
        _peerReConfig = reConfig;
        _nextReconfigRequestSeq = _localInitialTsn;
        _peerNextRequestSeq = peerInitialTsn;
    }

    private void Establish()
    {
        State = SctpState.Established;
        _t1DeadlineNs = RtcTime.Never;
        _t1Chunk = null;
        _heartbeatDeadlineNs = _now + _rto.RtoNs + _options.HeartbeatIntervalNs;
        Emit(new SctpConnected());
    }
}
