using System.Net;
using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// Our DTLS against an independent implementation: OpenSSL's <c>s_server</c>/<c>s_client</c> (Debian openssl 3.0)
/// over loopback UDP, in both roles, with its own certificate (fingerprint as OpenSSL prints it), use_srtp and the
/// RFC 5705 exporter (<c>-keymatexport EXTRACTOR-dtls_srtp</c>). Each test waits on OpenSSL's output lines, never on
/// time: the profile OpenSSL reports, its keying-material printout (compared byte for byte with ours), the
/// certificate it received (ours), and the application data it prints and sends through stdin.
/// </summary>
public sealed class DtlsOpenSslInteropTests
{
    private const string OpenSslProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(OpenSslProfiles, DtlsSrtpProfile.AeadAes128Gcm, DtlsEngine.Bouncy)]
    [InlineData("SRTP_AES128_CM_SHA1_80", DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsEngine.Bouncy)]
    [InlineData(OpenSslProfiles, DtlsSrtpProfile.AeadAes128Gcm, DtlsEngine.Managed)]
    [InlineData("SRTP_AES128_CM_SHA1_80", DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsEngine.Managed)]
    public async Task Handshake_WeAreClientOpenSslServer_ProfileKeysCertificatesAndDataAgree(string openSslProfiles, DtlsSrtpProfile expected, DtlsEngine engine)
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        using var server = StartServer(certificate, openSslProfiles, KeyingMaterialLength(expected));
        var port = ParsePort(await server.WaitForLineStartingAsync("ACCEPT ", deadline.Token));
        var ours = DtlsCertificate.Generate();
        using var client = new UdpDtlsEndpoint(Options(DtlsRole.Client, ours, certificate.Fingerprint), new IPEndPoint(IPAddress.Loopback, port), engine);

        await client.Session.HandshakeAsync(deadline.Token);

        Assert.Equal(engine, client.Session.Engine);
        await AssertAgreementAsync(client.Session, server, expected, deadline.Token);
        Assert.Equal(ours.Der.ToArray(), server.PrintedCertificate("Client certificate"));
        await AssertDataBothWaysAsync(client, server, deadline.Token);

        client.Session.Close(); // close_notify: s_server prints DONE and, with -naccept 1, exits.
        await server.WaitForLineAsync(l => l == "DONE", deadline.Token);
        Assert.Equal(DtlsCloseReason.Local, await client.Closed.WaitAsync(deadline.Token));
    }

    [Theory]
    [InlineData("SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM", DtlsSrtpProfile.AeadAes128Gcm, DtlsEngine.Bouncy)] // Our preference wins.
    [InlineData("SRTP_AES128_CM_SHA1_80", DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsEngine.Bouncy)]
    [InlineData("SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM", DtlsSrtpProfile.AeadAes128Gcm, DtlsEngine.Managed)] // HelloVerifyRequest too.
    [InlineData("SRTP_AES128_CM_SHA1_80", DtlsSrtpProfile.Aes128CmHmacSha1_80, DtlsEngine.Managed)]
    public async Task Handshake_WeAreServerOpenSslClient_ProfileKeysCertificatesAndDataAgree(string openSslProfiles, DtlsSrtpProfile expected, DtlsEngine engine)
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        var ours = DtlsCertificate.Generate();
        using var server = new UdpDtlsEndpoint(Options(DtlsRole.Server, ours, certificate.Fingerprint), engine: engine);
        var handshake = server.Session.HandshakeAsync(deadline.Token);
        using var client = StartClient(certificate, server.Port, "-use_srtp", openSslProfiles,
            "-keymatexport", DtlsSrtpKeyingMaterial.ExporterLabel, "-keymatexportlen", KeyingMaterialLength(expected).ToString(System.Globalization.CultureInfo.InvariantCulture));

        await handshake.WaitAsync(deadline.Token);

        await AssertAgreementAsync(server.Session, client, expected, deadline.Token);
        Assert.Equal(ours.Der.ToArray(), client.PrintedCertificate("Server certificate"));
        await AssertDataBothWaysAsync(server, client, deadline.Token);

        client.CloseInput(); // s_client sends close_notify on end of input.
        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await server.Closed.WaitAsync(deadline.Token));
        await client.WaitForExitAsync(deadline.Token);
    }

    [Fact]
    public async Task Handshake_OpenSslClientOffersNoUseSrtp_AcceptedWithProfileNone()
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        using var server = new UdpDtlsEndpoint(Options(DtlsRole.Server, DtlsCertificate.Generate(), certificate.Fingerprint));
        var handshake = server.Session.HandshakeAsync(deadline.Token);
        using var client = StartClient(certificate, server.Port);

        await handshake.WaitAsync(deadline.Token);

        Assert.Equal(DtlsSrtpProfile.None, server.Session.Negotiated!.SrtpProfile);
        Assert.Null(server.Session.SrtpKeyingMaterial);
        Assert.Equal(0xC02B, server.Session.Negotiated.CipherSuite);
        await client.WaitForLineStartingAsync("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256", deadline.Token);
        Assert.DoesNotContain("SRTP Extension negotiated", client.Output, StringComparison.Ordinal);
        await AssertDataBothWaysAsync(server, client, deadline.Token);
    }

    [Fact]
    public async Task Handshake_WrongExpectedFingerprintForOpenSslServer_FailsWithFingerprintMismatch()
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        using var server = StartServer(certificate, OpenSslProfiles, 56);
        var port = ParsePort(await server.WaitForLineStartingAsync("ACCEPT ", deadline.Token));
        var someoneElse = DtlsCertificate.Generate().Fingerprint;
        using var client = new UdpDtlsEndpoint(Options(DtlsRole.Client, DtlsCertificate.Generate(), someoneElse), new IPEndPoint(IPAddress.Loopback, port));

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.Session.HandshakeAsync(deadline.Token));

        Assert.Equal(DtlsFailureReason.FingerprintMismatch, error.Reason);
        Assert.Equal(42, error.AlertDescription);
        await server.WaitForLineAsync(l => l.Contains("alert bad certificate", StringComparison.Ordinal), deadline.Token);
    }

    [Fact]
    public async Task Handshake_OpenSslServerSharesNoProfileAndWeRequireSrtp_ClientFailsWithSrtpProfileMismatch()
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        using var server = StartServer(certificate, "SRTP_AES128_CM_SHA1_32", 56);
        var port = ParsePort(await server.WaitForLineStartingAsync("ACCEPT ", deadline.Token));
        var options = Options(DtlsRole.Client, DtlsCertificate.Generate(), certificate.Fingerprint) with { RequireSrtp = true };
        using var client = new UdpDtlsEndpoint(options, new IPEndPoint(IPAddress.Loopback, port));

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.Session.HandshakeAsync(deadline.Token));

        Assert.Equal(DtlsFailureReason.SrtpProfileMismatch, error.Reason);
        Assert.Equal(40, error.AlertDescription); // handshake_failure, sent to OpenSSL
        await server.WaitForLineAsync(l => l.Contains("alert handshake failure", StringComparison.Ordinal), deadline.Token);
    }

    [Fact]
    public async Task Handshake_OpenSslClientOffersNoProfileOfOursAndWeRequireSrtp_ServerFailsWithSrtpProfileMismatch()
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        var options = Options(DtlsRole.Server, DtlsCertificate.Generate(), certificate.Fingerprint) with { RequireSrtp = true };
        using var server = new UdpDtlsEndpoint(options);
        var handshake = server.Session.HandshakeAsync(deadline.Token);
        using var client = StartClient(certificate, server.Port, "-use_srtp", "SRTP_AES128_CM_SHA1_32");

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(deadline.Token));

        Assert.Equal(DtlsFailureReason.SrtpProfileMismatch, error.Reason);
        Assert.Contains("SRTP_AES128_CM_HMAC_SHA1_32", error.Message, StringComparison.Ordinal);
        await client.WaitForLineAsync(l => l.Contains("alert handshake failure", StringComparison.Ordinal), deadline.Token);
        Assert.NotEqual(0, await client.WaitForExitAsync(deadline.Token));
    }

    [Fact]
    public async Task Handshake_OpenSslServerRejectsOurCertificate_ClientFailsNamingItsFatalAlert()
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        using var server = StartServer(certificate, OpenSslProfiles, 56, "-verify_return_error"); // Our self-signed certificate has no CA.
        var port = ParsePort(await server.WaitForLineStartingAsync("ACCEPT ", deadline.Token));
        using var client = new UdpDtlsEndpoint(Options(DtlsRole.Client, DtlsCertificate.Generate(), certificate.Fingerprint), new IPEndPoint(IPAddress.Loopback, port));

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.Session.HandshakeAsync(deadline.Token));

        Assert.Equal(DtlsFailureReason.Alert, error.Reason);
        Assert.Equal(48, error.AlertDescription); // unknown_ca: OpenSSL's alert for a self-signed leaf it cannot verify.
        Assert.Equal("peer sent fatal alert unknown_ca(48)", error.Message);
        Assert.Equal(48, client.Session.PeerFatalAlert);
        Assert.Equal(DtlsSessionState.Failed, client.Session.State);
        await server.WaitForLineAsync(l => l.Contains("self-signed certificate", StringComparison.Ordinal), deadline.Token);
    }

    [Fact]
    public async Task Handshake_OpenSslClientRejectsOurCertificate_ServerFailsNamingItsFatalAlert()
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        using var server = new UdpDtlsEndpoint(Options(DtlsRole.Server, DtlsCertificate.Generate(), certificate.Fingerprint));
        var handshake = server.Session.HandshakeAsync(deadline.Token);
        using var client = StartClient(certificate, server.Port, "-use_srtp", OpenSslProfiles, "-verify_return_error");

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(deadline.Token));

        Assert.Equal(DtlsFailureReason.Alert, error.Reason);
        Assert.Equal(48, error.AlertDescription);
        Assert.Equal("peer sent fatal alert unknown_ca(48)", error.Message);
        Assert.NotEqual(0, await client.WaitForExitAsync(deadline.Token));
    }

    /// <summary>
    /// s_client's "Q" line: SSL_shutdown, i.e. close_notify, then exit. (s_server's "Q"/"q" closes its socket before
    /// SSL_shutdown, so it sends no close_notify at all: nothing to notice there.)
    /// </summary>
    [Fact]
    public async Task Connected_OpenSslClientQuits_ServerClosedByPeerCloseNotify()
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var certificate = await OpenSslCertificate.CreateAsync();
        using var server = new UdpDtlsEndpoint(Options(DtlsRole.Server, DtlsCertificate.Generate(), certificate.Fingerprint));
        var handshake = server.Session.HandshakeAsync(deadline.Token);
        using var client = StartClient(certificate, server.Port, "-use_srtp", OpenSslProfiles);
        await handshake.WaitAsync(deadline.Token);
        client.WriteLine("hello");
        Assert.Equal("hello\n", await server.ReadAsync(deadline.Token)); // s_client is in its data loop now.

        client.WriteLine("Q");

        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await server.Closed.WaitAsync(deadline.Token));
        Assert.Equal(DtlsSessionState.Closed, server.Session.State);
        Assert.Null(server.Session.PeerFatalAlert);
        await client.WaitForExitAsync(deadline.Token);
    }

    private static DtlsSessionOptions Options(DtlsRole role, DtlsCertificate certificate, DtlsFingerprint remote) => new()
    {
        Role = role,
        Certificate = certificate,
        RemoteFingerprint = remote,
        HandshakeTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>s_server on a free loopback port (printed as "ACCEPT 127.0.0.1:PORT"), one connection, a 1200-byte MTU.</summary>
    private static OpenSslProcess StartServer(OpenSslCertificate certificate, string profiles, int keyingMaterialLength, params string[] extra) => OpenSslProcess.Start(
        [
        "s_server", "-dtls1_2", "-accept", "127.0.0.1:0", "-naccept", "1", "-mtu", "1200",
        "-cert", certificate.CertificatePath, "-key", certificate.KeyPath, "-verify", "1",
        "-use_srtp", profiles,
        "-keymatexport", DtlsSrtpKeyingMaterial.ExporterLabel,
        "-keymatexportlen", keyingMaterialLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        .. extra,
        ]);

    private static OpenSslProcess StartClient(OpenSslCertificate certificate, int port, params string[] extra) => OpenSslProcess.Start(
        [
            "s_client", "-dtls1_2", "-connect", $"127.0.0.1:{port}", "-mtu", "1200",
            "-cert", certificate.CertificatePath, "-key", certificate.KeyPath,
            .. extra,
        ]);

    private static int ParsePort(string acceptLine) =>
        int.Parse(acceptLine[(acceptLine.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static int KeyingMaterialLength(DtlsSrtpProfile profile) => profile == DtlsSrtpProfile.AeadAes128Gcm ? 56 : 60;

    /// <summary>
    /// The profile OpenSSL reports is ours, and its exporter printout is client key ‖ server key ‖ client salt ‖
    /// server salt exactly as our session split it.
    /// </summary>
    private static async Task AssertAgreementAsync(DtlsSession session, OpenSslProcess openssl, DtlsSrtpProfile expected, CancellationToken cancellationToken)
    {
        var negotiated = session.Negotiated!;
        Assert.Equal(0xFEFD, negotiated.Version);
        Assert.Equal(0xC02B, negotiated.CipherSuite);
        Assert.True(negotiated.ExtendedMasterSecret);
        Assert.True(session.UsesManagedRecordLayer);
        Assert.Equal(expected, negotiated.SrtpProfile);

        string reported = await openssl.WaitForLineStartingAsync("SRTP Extension negotiated, profile=", cancellationToken);
        Assert.Equal(expected == DtlsSrtpProfile.AeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80",
            reported["SRTP Extension negotiated, profile=".Length..]);

        string line = await openssl.WaitForLineAsync(l => l.TrimStart().StartsWith("Keying material: ", StringComparison.Ordinal), cancellationToken);
        byte[] printed = Convert.FromHexString(line.Trim()["Keying material: ".Length..]);
        var keys = session.SrtpKeyingMaterial!;
        var (clientKey, clientSalt, serverKey, serverSalt) = session.Role == DtlsRole.Client
            ? (keys.LocalMasterKey.ToArray(), keys.LocalMasterSalt.ToArray(), keys.RemoteMasterKey.ToArray(), keys.RemoteMasterSalt.ToArray())
            : (keys.RemoteMasterKey.ToArray(), keys.RemoteMasterSalt.ToArray(), keys.LocalMasterKey.ToArray(), keys.LocalMasterSalt.ToArray());
        Assert.Equal(Convert.ToHexString(printed), Convert.ToHexString([.. clientKey, .. serverKey, .. clientSalt, .. serverSalt]));
    }

    /// <summary>
    /// Lines both ways through our managed record layer and OpenSSL's: what we send, OpenSSL prints; what OpenSSL
    /// reads on stdin, it sends as one record, which we receive.
    /// </summary>
    private static async Task AssertDataBothWaysAsync(UdpDtlsEndpoint ours, OpenSslProcess openssl, CancellationToken cancellationToken)
    {
        string large = "large-" + new string('x', 1000);
        string[] outgoing = ["from-rtcbench-1", "from-rtcbench-2", large];
        foreach (string line in outgoing)
        {
            ours.Session.Send(System.Text.Encoding.ASCII.GetBytes(line + "\n"));
            await openssl.WaitForLineAsync(l => l == line, cancellationToken);
        }

        foreach (string line in new[] { "from-openssl-1", "from-openssl-2", "large-" + new string('y', 1000) })
        {
            openssl.WriteLine(line);
            Assert.Equal(line + "\n", await ours.ReadAsync(cancellationToken));
        }
    }
}
