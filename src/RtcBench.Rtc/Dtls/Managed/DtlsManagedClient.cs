using System.Security.Cryptography;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The client side of the managed handshake (RFC 6347 §4.2.4 flights 1, 3 and 5):
/// ClientHello → [HelloVerifyRequest → ClientHello with cookie] → ServerHello, Certificate, ServerKeyExchange,
/// CertificateRequest, ServerHelloDone → Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished
/// → ChangeCipherSpec, Finished. We offer 0xC02B only, P-256, ecdsa_secp256r1_sha256, extended_master_secret and our
/// SRTP profiles; the server must select EMS and (if it answers use_srtp) exactly one of our profiles without MKI.
/// </summary>
internal sealed class DtlsManagedClient : DtlsManagedEngine
{
    private Step _step = Step.ExpectServerHello;
    private byte[] _cookie = [];
    private byte[] _clientHello = [];
    private int _clientHelloSequence;
    private ECDsa? _serverKey;
    private byte[] _serverPoint = [];
    private bool _certificateRequested;

    internal DtlsManagedClient(DtlsSessionOptions options, int mtu)
        : base(options, mtu)
    {
    }

    private enum Step
    {
        ExpectServerHello,
        ExpectCertificate,
        ExpectServerKeyExchange,
        ExpectCertificateRequestOrDone,
        ExpectServerHelloDone,
        ExpectFinished,
        Done,
    }

    protected override void OnStart(long nowNs)
    {
        ClientRandom = RandomNumberGenerator.GetBytes(DtlsHandshakeType.RandomLength);
        SendClientHello(nowNs);
    }

    protected override void OnMessage(long nowNs, byte type, byte[] body, int epoch)
    {
        int sequence = Reassembler.NextSequence - 1;
        switch (_step)
        {
            case Step.ExpectServerHello when type == DtlsHandshakeType.HelloVerifyRequest:
                if (!DtlsHandshakeMessages.TryReadHelloVerifyRequest(body, out _cookie))
                {
                    FailDecode("HelloVerifyRequest");
                    return;
                }

                SendClientHello(nowNs);
                return;
            case Step.ExpectServerHello when type == DtlsHandshakeType.ServerHello:
                StopFlightTimer();
                AddToTranscript(DtlsHandshakeType.ClientHello, _clientHelloSequence, _clientHello);
                AddToTranscript(type, sequence, body);
                OnServerHello(body);
                return;
            case Step.ExpectCertificate when type == DtlsHandshakeType.Certificate:
                AddToTranscript(type, sequence, body);
                OnCertificate(body);
                return;
            case Step.ExpectServerKeyExchange when type == DtlsHandshakeType.ServerKeyExchange:
                AddToTranscript(type, sequence, body);
                OnServerKeyExchange(body);
                return;
            case Step.ExpectCertificateRequestOrDone when type == DtlsHandshakeType.CertificateRequest:
                AddToTranscript(type, sequence, body);
                if (!DtlsHandshakeMessages.TryReadCertificateRequest(body, out _))
                {
                    FailDecode("CertificateRequest");
                    return;
                }

                _certificateRequested = true;
                _step = Step.ExpectServerHelloDone;
                return;
            case Step.ExpectCertificateRequestOrDone or Step.ExpectServerHelloDone when type == DtlsHandshakeType.ServerHelloDone:
                AddToTranscript(type, sequence, body);
                if (body.Length != 0)
                {
                    FailDecode("ServerHelloDone");
                    return;
                }

                SendFinalFlight(nowNs);
                return;
            case Step.ExpectFinished when type == DtlsHandshakeType.Finished && epoch == DtlsAeadRecordLayer.Epoch:
                if (!CryptographicOperations.FixedTimeEquals(body, FinishedVerifyData(DtlsRole.Server)))
                {
                    Fail(DtlsFailureReason.ProtocolError, "The DTLS server's Finished did not verify.", DtlsAlerts.DecryptError);
                    return;
                }

                _step = Step.Done;
                Connect();
                return;
            default:
                FailUnexpected(type);
                return;
        }
    }

    protected override void OnDispose() => _serverKey?.Dispose();

    /// <summary>
    /// A resent HelloVerifyRequest or ServerHelloDone (flights 2 and 4) asks for our ClientHello or flight 5 again.
    /// Once connected nothing does: the server's Finished, repeated, needs no answer (BouncyCastle's client ignores it too).
    /// </summary>
    protected override bool EndsPeersRetransmittedFlight(byte type, int epoch) =>
        State == DtlsManagedState.Handshaking && type is DtlsHandshakeType.HelloVerifyRequest or DtlsHandshakeType.ServerHelloDone;

    private void SendClientHello(long nowNs)
    {
        var extensions = new Dictionary<int, byte[]>
        {
            [DtlsHandshakeType.ExtSupportedGroups] = new DtlsHandshakeWriter().Begin(2).U16(DtlsHandshakeType.Secp256r1).End().ToArray(),
            [DtlsHandshakeType.ExtEcPointFormats] = [1, 0],
            [DtlsHandshakeType.ExtSignatureAlgorithms] = new DtlsHandshakeWriter().Begin(2).U16(DtlsHandshakeType.EcdsaSecp256r1Sha256).End().ToArray(),
            [DtlsHandshakeType.ExtExtendedMasterSecret] = [],
            [DtlsHandshakeType.ExtRenegotiationInfo] = [0],
        };
        if (Options.SrtpProfiles.Count > 0)
        {
            extensions[DtlsHandshakeType.ExtUseSrtp] = DtlsHello.WriteUseSrtp(Options.SrtpProfiles);
        }

        _clientHello = new DtlsHello
        {
            Version = DtlsHandshakeType.Dtls12,
            Random = ClientRandom,
            Cookie = _cookie,
            CipherSuites = [DtlsRecordKeys.CipherSuiteAes128GcmSha256],
            Extensions = extensions,
        }.WriteClientHello();
        _clientHelloSequence = NextWriteMessageSequence++;
        var flight = new DtlsFlight(retransmits: true);
        flight.AddHandshake(DtlsHandshakeType.ClientHello, _clientHelloSequence, _clientHello, encrypted: false);
        StartFlight(nowNs, flight);
    }

    private void OnServerHello(byte[] body)
    {
        if (!DtlsHello.TryReadServerHello(body, out var hello))
        {
            FailDecode("ServerHello");
            return;
        }

        if (hello.Version != DtlsHandshakeType.Dtls12)
        {
            Fail(DtlsFailureReason.ProtocolError, $"The DTLS server chose version 0x{hello.Version:X4}; only DTLS 1.2 is supported.", DtlsAlerts.ProtocolVersion);
            return;
        }

        if (hello.CipherSuites[0] != DtlsRecordKeys.CipherSuiteAes128GcmSha256)
        {
            Fail(DtlsFailureReason.ProtocolError, $"The DTLS server chose cipher suite 0x{hello.CipherSuites[0]:X4}, which we did not offer.", DtlsAlerts.IllegalParameter);
            return;
        }

        if (!hello.Extensions.ContainsKey(DtlsHandshakeType.ExtExtendedMasterSecret))
        {
            Fail(DtlsFailureReason.ProtocolError, "The DTLS server did not agree to the extended master secret (RFC 7627), which we require.", DtlsAlerts.HandshakeFailure);
            return;
        }

        if (!AcceptSrtp(hello))
        {
            return;
        }

        ServerRandom = hello.Random;
        _step = Step.ExpectCertificate;
    }

    private bool AcceptSrtp(DtlsHello hello)
    {
        if (!hello.Extensions.TryGetValue(DtlsHandshakeType.ExtUseSrtp, out var useSrtp))
        {
            if (Options.RequireSrtp)
            {
                Fail(DtlsFailureReason.SrtpProfileMismatch, "The DTLS server selected no SRTP profile (use_srtp) and RequireSrtp is set.", DtlsAlerts.HandshakeFailure);
                return false;
            }

            return true;
        }

        if (!DtlsHello.TryReadUseSrtp(useSrtp, out int[] selected, out int mkiLength) || selected.Length != 1
            || !Options.SrtpProfiles.Contains((DtlsSrtpProfile)selected[0]))
        {
            string names = string.Join(", ", selected.Select(p => DtlsSrtpProfiles.Name((DtlsSrtpProfile)p)));
            Fail(DtlsFailureReason.SrtpProfileMismatch, $"The DTLS server selected SRTP profile(s) [{names}], not one of the offered.", DtlsAlerts.IllegalParameter);
            return false;
        }

        if (mkiLength > 0)
        {
            Fail(DtlsFailureReason.SrtpProfileMismatch, "The DTLS server answered use_srtp with an MKI we did not offer.", DtlsAlerts.IllegalParameter);
            return false;
        }

        SrtpProfile = (DtlsSrtpProfile)selected[0];
        return true;
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
            Fail(DtlsFailureReason.FingerprintMismatch, "The DTLS server's certificate does not match the fingerprint in its SDP.", DtlsAlerts.BadCertificate);
            return;
        }

        _serverKey = DtlsKeyExchange.PublicKeyOf(der);
        if (_serverKey is null)
        {
            Fail(DtlsFailureReason.ProtocolError, "The DTLS server's certificate has no ECDSA key.", DtlsAlerts.BadCertificate);
            return;
        }

        _step = Step.ExpectServerKeyExchange;
    }

    private void OnServerKeyExchange(byte[] body)
    {
        if (!DtlsHandshakeMessages.TryReadServerKeyExchange(body, out byte[] ecdhParams, out byte[] point, out int curve, out int scheme, out byte[] signature))
        {
            FailDecode("ServerKeyExchange");
            return;
        }

        if (curve != DtlsHandshakeType.Secp256r1)
        {
            Fail(DtlsFailureReason.ProtocolError, $"The DTLS server chose curve {curve}; we offered secp256r1 only.", DtlsAlerts.IllegalParameter);
            return;
        }

        byte[] signed = [.. ClientRandom, .. ServerRandom, .. ecdhParams];
        if (!DtlsKeyExchange.Verify(_serverKey!, scheme, signed, signature))
        {
            Fail(DtlsFailureReason.ProtocolError, "The DTLS server's ServerKeyExchange signature did not verify.", DtlsAlerts.DecryptError);
            return;
        }

        _serverPoint = point;
        _step = Step.ExpectCertificateRequestOrDone;
    }

    /// <summary>Flight 5: [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished.</summary>
    private void SendFinalFlight(long nowNs)
    {
        using var ephemeral = DtlsKeyExchange.CreateEphemeral(out byte[] ourPoint);
        if (!DtlsKeyExchange.TryAgree(ephemeral, _serverPoint, out byte[] preMaster))
        {
            Fail(DtlsFailureReason.ProtocolError, "The DTLS server's ECDHE point is not on P-256.", DtlsAlerts.IllegalParameter);
            return;
        }

        var flight = new DtlsFlight(retransmits: true);
        if (_certificateRequested)
        {
            Add(flight, DtlsHandshakeType.Certificate, DtlsHandshakeMessages.WriteCertificate(Options.Certificate.Der), encrypted: false);
        }

        Add(flight, DtlsHandshakeType.ClientKeyExchange, DtlsHandshakeMessages.WriteClientKeyExchange(ourPoint), encrypted: false);
        DeriveKeys(preMaster);
        if (_certificateRequested)
        {
            byte[] signature = DtlsKeyExchange.Sign(SigningKey, TranscriptBytes());
            Add(flight, DtlsHandshakeType.CertificateVerify, DtlsHandshakeMessages.WriteSigned(DtlsHandshakeType.EcdsaSecp256r1Sha256, signature), encrypted: false);
        }

        flight.AddChangeCipherSpec();
        Add(flight, DtlsHandshakeType.Finished, FinishedVerifyData(DtlsRole.Client), encrypted: true);
        _step = Step.ExpectFinished;
        StartFlight(nowNs, flight);
    }

    private void Add(DtlsFlight flight, byte type, byte[] body, bool encrypted)
    {
        int sequence = NextWriteMessageSequence++;
        AddToTranscript(type, sequence, body);
        flight.AddHandshake(type, sequence, body, encrypted);
    }
}
