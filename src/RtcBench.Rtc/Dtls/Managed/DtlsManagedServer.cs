using System.Security.Cryptography;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The server side of the managed handshake (RFC 6347 §4.2.4 flights 2, 4 and 6). A ClientHello without a valid
/// cookie gets a HelloVerifyRequest and leaves no state behind (RFC 6347 §4.2.1: the cookie is an HMAC of the
/// client's random under a per-engine secret, so a retransmitted or spoofed ClientHello costs nothing); with
/// <see cref="DtlsSessionOptions.HelloVerifyCookie"/> off the first ClientHello is answered at once. A fragmented
/// ClientHello (message_seq 0 or 1) is reassembled first; only that one message is held. We select 0xC02B,
/// require the extended master secret, answer use_srtp with the first of our profiles the client offered, always send
/// a CertificateRequest and check the client's certificate against the SDP fingerprint.
/// </summary>
internal sealed class DtlsManagedServer : DtlsManagedEngine
{
    private const int CookieLength = 32;

    private readonly byte[] _cookieSecret = RandomNumberGenerator.GetBytes(32);
    private Step _step = Step.ExpectClientHello;
    private ECDiffieHellman? _ephemeral;
    private ECDsa? _clientKey;
    private DtlsFlight? _finalFlight;
    private DtlsHandshakeReassembler? _hello;

    internal DtlsManagedServer(DtlsSessionOptions options, int mtu)
        : base(options, mtu)
    {
    }

    private enum Step
    {
        ExpectClientHello,
        ExpectCertificate,
        ExpectClientKeyExchange,
        ExpectCertificateVerify,
        ExpectFinished,
        Done,
    }

    /// <summary>HelloVerifyRequests sent (each answers one ClientHello without a valid cookie).</summary>
    internal long HelloVerifyRequests { get; private set; }

    protected override void OnStart(long nowNs)
    {
    }

    protected override bool OnHandshakeFragmentBeforeHello(long nowNs, ReadOnlySpan<byte> fragment, long recordSequence)
    {
        if (_step != Step.ExpectClientHello)
        {
            return false;
        }

        int sequence = (fragment[4] << 8) | fragment[5];
        if (fragment[0] != DtlsHandshakeType.ClientHello || sequence > 1)
        {
            return true; // nothing but a first or second ClientHello can start the handshake; dropped
        }

        // A ClientHello can come in fragments (Chromium's, with DTLS 1.3 and post-quantum key shares, is larger than
        // one datagram): hold one (bounded by the reassembler) until it is whole. A different message_seq starts over.
        if (_hello is null || _hello.NextSequence != sequence)
        {
            _hello = new DtlsHandshakeReassembler { NextSequence = sequence };
        }

        _hello.Add(fragment, 0, out _);
        if (!_hello.TryTake(out _, out byte[] body, out _))
        {
            return true;
        }

        _hello = null;
        if (!DtlsHello.TryReadClientHello(body, out var hello))
        {
            FailDecode("ClientHello");
            return true;
        }

        if (Options.HelloVerifyCookie && !CookieMatches(hello))
        {
            HelloVerifyRequests++;
            SendStatelessMessage(DtlsHandshakeType.HelloVerifyRequest, sequence,
                DtlsHandshakeMessages.WriteHelloVerifyRequest(Cookie(hello.Random)), recordSequence);
            return true;
        }

        Reassembler.NextSequence = sequence + 1;
        NextWriteMessageSequence = sequence;
        AddToTranscript(DtlsHandshakeType.ClientHello, sequence, body);
        OnClientHello(nowNs, hello);
        return true;
    }

    protected override void OnMessage(long nowNs, byte type, byte[] body, int epoch)
    {
        int sequence = Reassembler.NextSequence - 1;
        switch (_step)
        {
            case Step.ExpectCertificate when type == DtlsHandshakeType.Certificate:
                StopFlightTimer();
                AddToTranscript(type, sequence, body);
                OnCertificate(body);
                return;
            case Step.ExpectClientKeyExchange when type == DtlsHandshakeType.ClientKeyExchange:
                AddToTranscript(type, sequence, body);
                if (!DtlsHandshakeMessages.TryReadClientKeyExchange(body, out byte[] point))
                {
                    FailDecode("ClientKeyExchange");
                    return;
                }

                if (!DtlsKeyExchange.TryAgree(_ephemeral!, point, out byte[] preMaster))
                {
                    Fail(DtlsFailureReason.ProtocolError, "The DTLS client's ECDHE point is not on P-256.", DtlsAlerts.IllegalParameter);
                    return;
                }

                DeriveKeys(preMaster);
                _step = Step.ExpectCertificateVerify;
                return;
            case Step.ExpectCertificateVerify when type == DtlsHandshakeType.CertificateVerify:
                if (!DtlsHandshakeMessages.TryReadSigned(body, out int scheme, out byte[] signature))
                {
                    FailDecode("CertificateVerify");
                    return;
                }

                if (!DtlsKeyExchange.Verify(_clientKey!, scheme, TranscriptBytes(), signature))
                {
                    Fail(DtlsFailureReason.ProtocolError, "The DTLS client's CertificateVerify did not verify.", DtlsAlerts.DecryptError);
                    return;
                }

                AddToTranscript(type, sequence, body);
                _step = Step.ExpectFinished;
                return;
            case Step.ExpectFinished when type == DtlsHandshakeType.Finished && epoch == DtlsAeadRecordLayer.Epoch:
                if (!CryptographicOperations.FixedTimeEquals(body, FinishedVerifyData(DtlsRole.Client)))
                {
                    Fail(DtlsFailureReason.ProtocolError, "The DTLS client's Finished did not verify.", DtlsAlerts.DecryptError);
                    return;
                }

                AddToTranscript(type, sequence, body);
                SendFinalFlight(nowNs);
                return;
            default:
                FailUnexpected(type);
                return;
        }
    }

    /// <summary>
    /// A resent ClientHello (flight 3) asks for flight 4 again; a resent, authenticated Finished (the end of flight 5)
    /// for our ChangeCipherSpec + Finished, also once connected (as the Bouncy path's final-flight replay).
    /// </summary>
    protected override bool EndsPeersRetransmittedFlight(byte type, int epoch) =>
        type == DtlsHandshakeType.ClientHello || (type == DtlsHandshakeType.Finished && epoch == DtlsAeadRecordLayer.Epoch);

    protected override void OnDispose()
    {
        _ephemeral?.Dispose();
        _clientKey?.Dispose();
    }

    private byte[] Cookie(ReadOnlySpan<byte> clientRandom) =>
        HMACSHA256.HashData(_cookieSecret, clientRandom)[..CookieLength];

    private bool CookieMatches(DtlsHello hello) =>
        hello.Cookie.Length == CookieLength && CryptographicOperations.FixedTimeEquals(hello.Cookie, Cookie(hello.Random));

    private void OnClientHello(long nowNs, DtlsHello hello)
    {
        if (hello.Version > DtlsHandshakeType.Dtls12)
        {
            // DTLS versions count down: 0xFEFF is 1.0, 0xFEFD is 1.2; a larger number is older than 1.2.
            Fail(DtlsFailureReason.ProtocolError, $"The DTLS client offers version 0x{hello.Version:X4}; only DTLS 1.2 is supported.", DtlsAlerts.ProtocolVersion);
            return;
        }

        if (Array.IndexOf(hello.CipherSuites, DtlsRecordKeys.CipherSuiteAes128GcmSha256) < 0)
        {
            Fail(DtlsFailureReason.ProtocolError, "The DTLS client does not offer TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256.", DtlsAlerts.HandshakeFailure);
            return;
        }

        if (!hello.Extensions.ContainsKey(DtlsHandshakeType.ExtExtendedMasterSecret))
        {
            Fail(DtlsFailureReason.ProtocolError, "The DTLS client does not offer the extended master secret (RFC 7627), which we require.", DtlsAlerts.HandshakeFailure);
            return;
        }

        if (hello.Extensions.TryGetValue(DtlsHandshakeType.ExtSupportedGroups, out byte[]? groups) && !DtlsHello.ListContains(groups, DtlsHandshakeType.Secp256r1))
        {
            Fail(DtlsFailureReason.ProtocolError, "The DTLS client does not offer secp256r1.", DtlsAlerts.HandshakeFailure);
            return;
        }

        SrtpProfile = SelectSrtp(hello, out int[]? offered);
        if (SrtpProfile == DtlsSrtpProfile.None && Options.RequireSrtp)
        {
            string offeredNames = offered is null ? "no use_srtp" : "[" + string.Join(", ", offered.Select(p => DtlsSrtpProfiles.Name((DtlsSrtpProfile)p))) + "]";
            string ours = string.Join(", ", Options.SrtpProfiles.Select(DtlsSrtpProfiles.Name));
            Fail(DtlsFailureReason.SrtpProfileMismatch, $"The DTLS client offered {offeredNames}; none of [{ours}] and RequireSrtp is set.", DtlsAlerts.HandshakeFailure);
            return;
        }

        ClientRandom = hello.Random;
        ServerRandom = RandomNumberGenerator.GetBytes(DtlsHandshakeType.RandomLength);
        var extensions = new Dictionary<int, byte[]>();
        if (hello.Extensions.ContainsKey(DtlsHandshakeType.ExtRenegotiationInfo) || Array.IndexOf(hello.CipherSuites, DtlsHandshakeType.EmptyRenegotiationInfoScsv) >= 0)
        {
            extensions[DtlsHandshakeType.ExtRenegotiationInfo] = [0];
        }

        extensions[DtlsHandshakeType.ExtExtendedMasterSecret] = [];
        if (hello.Extensions.ContainsKey(DtlsHandshakeType.ExtEcPointFormats))
        {
            extensions[DtlsHandshakeType.ExtEcPointFormats] = [1, 0];
        }

        if (SrtpProfile != DtlsSrtpProfile.None)
        {
            extensions[DtlsHandshakeType.ExtUseSrtp] = DtlsHello.WriteUseSrtp([SrtpProfile]);
        }

        var flight = new DtlsFlight(retransmits: true);
        Add(flight, DtlsHandshakeType.ServerHello, new DtlsHello
        {
            Version = DtlsHandshakeType.Dtls12,
            Random = ServerRandom,
            CipherSuites = [DtlsRecordKeys.CipherSuiteAes128GcmSha256],
            Extensions = extensions,
        }.WriteServerHello());
        Add(flight, DtlsHandshakeType.Certificate, DtlsHandshakeMessages.WriteCertificate(Options.Certificate.Der));

        _ephemeral = DtlsKeyExchange.CreateEphemeral(out byte[] point);
        byte[] ecdhParams = DtlsHandshakeMessages.WriteEcdhParams(point);
        byte[] signature = DtlsKeyExchange.Sign(SigningKey, [.. ClientRandom, .. ServerRandom, .. ecdhParams]);
        Add(flight, DtlsHandshakeType.ServerKeyExchange, DtlsHandshakeMessages.WriteServerKeyExchange(ecdhParams, DtlsHandshakeType.EcdsaSecp256r1Sha256, signature));
        Add(flight, DtlsHandshakeType.CertificateRequest, DtlsHandshakeMessages.WriteCertificateRequest());
        Add(flight, DtlsHandshakeType.ServerHelloDone, []);
        _step = Step.ExpectCertificate;
        StartFlight(nowNs, flight);
    }

    /// <summary>The first of our profiles the client offered (RFC 5764 §4.1.1), or None.</summary>
    private DtlsSrtpProfile SelectSrtp(DtlsHello hello, out int[]? offered)
    {
        offered = null;
        if (!hello.Extensions.TryGetValue(DtlsHandshakeType.ExtUseSrtp, out byte[]? data) || !DtlsHello.TryReadUseSrtp(data, out offered, out _))
        {
            offered = null;
            return DtlsSrtpProfile.None;
        }

        foreach (var profile in Options.SrtpProfiles)
        {
            if (Array.IndexOf(offered, (int)profile) >= 0)
            {
                return profile;
            }
        }

        return DtlsSrtpProfile.None;
    }

    private void OnCertificate(byte[] body)
    {
        if (!DtlsHandshakeMessages.TryReadCertificate(body, out byte[] der))
        {
            FailDecode("Certificate");
            return;
        }

        if (der.Length == 0 || !Options.RemoteFingerprint.Matches(der))
        {
            Fail(DtlsFailureReason.FingerprintMismatch, "The DTLS client's certificate does not match the fingerprint in its SDP.", DtlsAlerts.BadCertificate);
            return;
        }

        _clientKey = DtlsKeyExchange.PublicKeyOf(der);
        if (_clientKey is null)
        {
            Fail(DtlsFailureReason.ProtocolError, "The DTLS client's certificate has no ECDSA key.", DtlsAlerts.BadCertificate);
            return;
        }

        _step = Step.ExpectClientKeyExchange;
    }

    /// <summary>Flight 6: ChangeCipherSpec, Finished. Not timed: resent when the client retransmits its flight 5.</summary>
    private void SendFinalFlight(long nowNs)
    {
        _finalFlight = new DtlsFlight(retransmits: false);
        _finalFlight.AddChangeCipherSpec();
        int sequence = NextWriteMessageSequence++;
        byte[] verifyData = FinishedVerifyData(DtlsRole.Server);
        AddToTranscript(DtlsHandshakeType.Finished, sequence, verifyData);
        _finalFlight.AddHandshake(DtlsHandshakeType.Finished, sequence, verifyData, encrypted: true);
        _step = Step.Done;
        StartFlight(nowNs, _finalFlight);
        Connect();
    }

    private void Add(DtlsFlight flight, byte type, byte[] body)
    {
        int sequence = NextWriteMessageSequence++;
        AddToTranscript(type, sequence, body);
        flight.AddHandshake(type, sequence, body, encrypted: false);
    }
}
