using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// use_srtp (RFC 5764) between two of our sessions: which profile each side ends with, the exported keys mirror
/// each other, and every way the negotiation can fail ends in a typed failure. Byte-exactness of the exported keys
/// against an independent implementation is proven by <see cref="DtlsOpenSslInteropTests"/>.
/// </summary>
public sealed class DtlsSrtpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Handshake_DefaultProfiles_AgreeOnAeadAes128GcmWithMirroredKeys()
    {
        using var pipe = new DtlsTestPipe();

        await pipe.HandshakeAsync().WaitAsync(Patience);

        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, pipe.Client.Negotiated!.SrtpProfile);
        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, pipe.Server.Negotiated!.SrtpProfile);
        Assert.Equal("SRTP_AEAD_AES_128_GCM", pipe.Client.Negotiated.SrtpProfileName);
        var client = pipe.Client.SrtpKeyingMaterial!;
        var server = pipe.Server.SrtpKeyingMaterial!;
        Assert.Equal(DtlsRole.Client, client.Role);
        Assert.Equal(DtlsRole.Server, server.Role);
        Assert.Equal(16, client.LocalMasterKey.Length);
        Assert.Equal(12, client.LocalMasterSalt.Length);
        Assert.Equal(client.LocalMasterKey.ToArray(), server.RemoteMasterKey.ToArray());
        Assert.Equal(client.LocalMasterSalt.ToArray(), server.RemoteMasterSalt.ToArray());
        Assert.Equal(client.RemoteMasterKey.ToArray(), server.LocalMasterKey.ToArray());
        Assert.Equal(client.RemoteMasterSalt.ToArray(), server.LocalMasterSalt.ToArray());
        Assert.NotEqual(client.LocalMasterKey.ToArray(), client.RemoteMasterKey.ToArray());
    }

    [Fact]
    public async Task Handshake_ClientPrefersCmServerPrefersGcm_ServerPreferenceWins()
    {
        using var pipe = new DtlsTestPipe(clientSrtp: [DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsSrtpProfile.AeadAes128Gcm]);

        await pipe.HandshakeAsync().WaitAsync(Patience);

        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, pipe.Client.Negotiated!.SrtpProfile);
        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, pipe.Server.Negotiated!.SrtpProfile);
    }

    [Fact]
    public async Task Handshake_OnlyCmHmacSha1_80InCommon_SelectedWith14ByteSalts()
    {
        using var pipe = new DtlsTestPipe(serverSrtp: [DtlsSrtpProfile.Aes128CmHmacSha1_80]);

        await pipe.HandshakeAsync().WaitAsync(Patience);

        Assert.Equal(DtlsSrtpProfile.Aes128CmHmacSha1_80, pipe.Client.Negotiated!.SrtpProfile);
        Assert.Equal("SRTP_AES128_CM_HMAC_SHA1_80", pipe.Server.Negotiated!.SrtpProfileName);
        var client = pipe.Client.SrtpKeyingMaterial!;
        Assert.Equal(16, client.RemoteMasterKey.Length);
        Assert.Equal(14, client.LocalMasterSalt.Length);
        Assert.Equal(client.LocalMasterSalt.ToArray(), pipe.Server.SrtpKeyingMaterial!.RemoteMasterSalt.ToArray());
    }

    [Fact]
    public async Task Handshake_ClientOffersNoUseSrtp_ServerAcceptsAndRecordsNone()
    {
        using var pipe = new DtlsTestPipe(clientSrtp: []);

        await pipe.HandshakeAsync().WaitAsync(Patience);

        Assert.Equal(DtlsSrtpProfile.None, pipe.Server.Negotiated!.SrtpProfile);
        Assert.Equal("none", pipe.Server.Negotiated.SrtpProfileName);
        Assert.Equal(DtlsSrtpProfile.None, pipe.Client.Negotiated!.SrtpProfile);
        Assert.Null(pipe.Server.SrtpKeyingMaterial);
        Assert.Null(pipe.Client.SrtpKeyingMaterial);
        Assert.Equal(0xC02B, pipe.Server.Negotiated.CipherSuite); // Everything else as usual.
    }

    [Fact]
    public async Task Handshake_ServerRequiresSrtpClientOffersNone_ServerFailsWithSrtpProfileMismatch()
    {
        using var pipe = new DtlsTestPipe(clientSrtp: [], serverRequiresSrtp: true);

        var client = pipe.Client.HandshakeAsync(CancellationToken.None);
        var server = pipe.Server.HandshakeAsync(CancellationToken.None);

        var serverError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.SrtpProfileMismatch, serverError.Reason);
        Assert.Contains("no use_srtp", serverError.Message, StringComparison.Ordinal);
        var clientError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.Alert, clientError.Reason);
        Assert.Equal(40, clientError.AlertDescription); // handshake_failure
    }

    [Fact]
    public async Task Handshake_ClientRequiresSrtpNoCommonProfile_ClientFailsWithSrtpProfileMismatch()
    {
        using var pipe = new DtlsTestPipe(clientSrtp: [DtlsSrtpProfile.AeadAes128Gcm], serverSrtp: [DtlsSrtpProfile.Aes128CmHmacSha1_80], clientRequiresSrtp: true);

        var client = pipe.Client.HandshakeAsync(CancellationToken.None);
        var server = pipe.Server.HandshakeAsync(CancellationToken.None);

        var clientError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.SrtpProfileMismatch, clientError.Reason);
        Assert.Contains("selected no SRTP profile", clientError.Message, StringComparison.Ordinal);
        var serverError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.Alert, serverError.Reason);
    }

    [Fact]
    public async Task Handshake_ServerSelectsProfileNotOffered_ClientFailsWithSrtpProfileMismatch()
    {
        // A misbehaving server: its use_srtp answer (ext 14, len 5, one profile, empty MKI) is rewritten in flight to
        // SRTP_AES128_CM_HMAC_SHA1_32 (0x0002), which the client never offered. The ServerHello is checked on
        // arrival, before any Finished could reveal the tampering.
        using var pipe = new DtlsTestPipe();
        byte[] answer = [0x00, 0x0E, 0x00, 0x05, 0x00, 0x02, 0x00, 0x07, 0x00];
        int rewritten = 0;
        pipe.RewriteServerToClient = d =>
        {
            int at = d.AsSpan().IndexOf(answer);
            if (at >= 0)
            {
                d[at + 7] = 0x02;
                rewritten++;
            }

            return d;
        };

        var client = pipe.Client.HandshakeAsync(CancellationToken.None);
        var server = pipe.Server.HandshakeAsync(CancellationToken.None);

        var clientError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.SrtpProfileMismatch, clientError.Reason);
        Assert.Equal(47, clientError.AlertDescription); // illegal_parameter, sent to the server
        Assert.Contains("SRTP_AES128_CM_HMAC_SHA1_32", clientError.Message, StringComparison.Ordinal);
        Assert.True(rewritten >= 1);
        var serverError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.Alert, serverError.Reason);
        Assert.Equal(47, serverError.AlertDescription);
    }

    [Fact]
    public void Options_BadSrtpProfiles_ThrowListingEveryError()
    {
        var certificate = DtlsCertificate.Generate();
        var options = new DtlsSessionOptions
        {
            Role = DtlsRole.Client,
            Certificate = certificate,
            RemoteFingerprint = certificate.Fingerprint,
            SrtpProfiles = [DtlsSrtpProfile.AeadAes128Gcm, (DtlsSrtpProfile)0x0002, DtlsSrtpProfile.AeadAes128Gcm],
        };

        var error = Assert.Throws<ArgumentException>(() => new DtlsSession(options, _ => { }));
        Assert.Contains("not supported", error.Message, StringComparison.Ordinal);
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);

        var requireNone = options with { SrtpProfiles = [], RequireSrtp = true };
        Assert.Contains("RequireSrtp", Assert.Throws<ArgumentException>(() => new DtlsSession(requireNone, _ => { })).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DtlsSrtpProfile.AeadAes128Gcm, 16, 12)]
    [InlineData(DtlsSrtpProfile.Aes128CmHmacSha1_80, 16, 14)]
    public void KeyingMaterial_ExporterOutput_SplitsClientKeyServerKeyClientSaltServerSalt(DtlsSrtpProfile profile, int keyLength, int saltLength)
    {
        byte[] exported = new byte[2 * (keyLength + saltLength)];
        for (int i = 0; i < exported.Length; i++)
        {
            exported[i] = (byte)i;
        }

        var asClient = DtlsSrtpKeyingMaterial.FromExporterOutput(profile, DtlsRole.Client, exported);
        var asServer = DtlsSrtpKeyingMaterial.FromExporterOutput(profile, DtlsRole.Server, exported);

        Assert.Equal(exported[..keyLength], asClient.LocalMasterKey.ToArray());
        Assert.Equal(exported[keyLength..(2 * keyLength)], asClient.RemoteMasterKey.ToArray());
        Assert.Equal(exported[(2 * keyLength)..((2 * keyLength) + saltLength)], asClient.LocalMasterSalt.ToArray());
        Assert.Equal(exported[((2 * keyLength) + saltLength)..], asClient.RemoteMasterSalt.ToArray());
        Assert.Equal(asClient.LocalMasterKey.ToArray(), asServer.RemoteMasterKey.ToArray());
        Assert.Equal(asClient.RemoteMasterSalt.ToArray(), asServer.LocalMasterSalt.ToArray());
        Assert.Throws<ArgumentException>(() => DtlsSrtpKeyingMaterial.FromExporterOutput(profile, DtlsRole.Client, exported.AsSpan(1)));
    }
}
