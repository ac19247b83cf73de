using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls.Managed;

/// <summary>
/// The managed handshake against BouncyCastle as the independent implementation, in both roles: what is negotiated,
/// the exported SRTP keys byte for byte, records both ways, impairment, and typed failures on both sides.
/// </summary>
public sealed class ManagedDtlsBouncyCastleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Handshake_AgainstBouncyCastle_SameSuiteEmsProfileAndKeys(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(role);

        var bcFailure = await peer.HandshakeAsync().WaitAsync(Patience);

        Assert.Null(bcFailure);
        Assert.Equal(DtlsEngine.Bouncy, peer.Bc.Engine); // The independent peer, not the managed engine against itself.
        Assert.True(peer.Managed.Connected, peer.Managed.Engine.FailureMessage);
        var ours = peer.Managed.Engine.Negotiated!;
        var theirs = peer.Bc.Negotiated!;
        Assert.Equal(0xC02B, theirs.CipherSuite);
        Assert.Equal(0xFEFD, theirs.Version);
        Assert.True(theirs.ExtendedMasterSecret);
        Assert.Equal(theirs.CipherSuite, ours.CipherSuite);
        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, theirs.SrtpProfile);
        Assert.Equal(theirs.SrtpProfile, ours.SrtpProfile);
        var ourKeys = peer.Managed.Engine.SrtpKeyingMaterial!;
        var bcKeys = peer.Bc.SrtpKeyingMaterial!;
        Assert.Equal(bcKeys.RemoteMasterKey.ToArray(), ourKeys.LocalMasterKey.ToArray());
        Assert.Equal(bcKeys.RemoteMasterSalt.ToArray(), ourKeys.LocalMasterSalt.ToArray());
        Assert.Equal(bcKeys.LocalMasterKey.ToArray(), ourKeys.RemoteMasterKey.ToArray());
        Assert.Equal(bcKeys.LocalMasterSalt.ToArray(), ourKeys.RemoteMasterSalt.ToArray());
        Assert.True(peer.Bc.UsesManagedRecordLayer);
    }

    [Theory]
    [InlineData(DtlsRole.Client, DtlsSrtpProfile.Aes128CmHmacSha1_80)]
    [InlineData(DtlsRole.Server, DtlsSrtpProfile.Aes128CmHmacSha1_80)]
    public async Task Handshake_OnlyCmInCommon_BothSelectItWithEqualKeys(DtlsRole role, DtlsSrtpProfile only)
    {
        using var peer = new BouncyCastlePeer(role, bouncy: o => o with { SrtpProfiles = [only] });

        Assert.Null(await peer.HandshakeAsync().WaitAsync(Patience));

        Assert.Equal(only, peer.Managed.Engine.Negotiated!.SrtpProfile);
        Assert.Equal(only, peer.Bc.Negotiated!.SrtpProfile);
        Assert.Equal(14, peer.Managed.Engine.SrtpKeyingMaterial!.LocalMasterSalt.Length);
        Assert.Equal(peer.Bc.SrtpKeyingMaterial!.RemoteMasterSalt.ToArray(), peer.Managed.Engine.SrtpKeyingMaterial.LocalMasterSalt.ToArray());
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Data_AgainstBouncyCastle_FlowsBothWaysAndCloseNotifyEnds(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(role);
        Assert.Null(await peer.HandshakeAsync().WaitAsync(Patience));

        peer.Managed.Engine.Send("from managed"u8);
        peer.Managed.Drain(d => peer.Bc.HandleDatagram(d));
        peer.Bc.Send("from bouncycastle"u8);
        await peer.PumpUntilAsync(() => peer.Managed.Received.Count == 1).WaitAsync(Patience);

        Assert.Equal("from bouncycastle"u8.ToArray(), peer.Managed.Received[0]);
        lock (peer.BcReceived)
        {
            Assert.Equal("from managed"u8.ToArray(), Assert.Single(peer.BcReceived));
        }

        var closed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        peer.Bc.Closed += (_, reason) => closed.TrySetResult(reason);
        peer.Managed.Engine.Close();
        peer.Managed.Drain(d => peer.Bc.HandleDatagram(d));
        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await closed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsCloseReason.Local, peer.Managed.Engine.CloseReason);
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Handshake_BouncyCastleCloses_ManagedEndsWithPeerCloseNotify(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(role);
        Assert.Null(await peer.HandshakeAsync().WaitAsync(Patience));

        peer.Bc.Close();
        await peer.PumpUntilAsync(() => peer.Managed.Engine.CloseReason is not null).WaitAsync(Patience);

        Assert.Equal(DtlsCloseReason.PeerCloseNotify, peer.Managed.Engine.CloseReason);
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Handshake_FirstDatagramEachWayLost_BothRetransmitAndConnect(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(role) { DropFromBc = i => i == 0, DropToBc = i => i == 0 };

        Assert.Null(await peer.HandshakeAsync().WaitAsync(Patience));

        Assert.True(peer.Managed.Connected);
        if (role == DtlsRole.Client)
        {
            Assert.True(peer.Managed.Engine.Retransmissions >= 1); // our ClientHello was lost: our timer resent it
        }
        else
        {
            // BouncyCastle's ClientHello, then our HelloVerifyRequest were lost: each of its resends got a fresh one.
            Assert.True(((DtlsManagedServer)peer.Managed.Engine).HelloVerifyRequests >= 2);
        }
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Handshake_SmallMtu_BouncyCastleReassemblesOurFragments(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(role, mtu: 300);

        Assert.Null(await peer.HandshakeAsync().WaitAsync(Patience));

        Assert.True(peer.Managed.Connected);
        Assert.Equal(peer.Bc.SrtpKeyingMaterial!.RemoteMasterKey.ToArray(), peer.Managed.Engine.SrtpKeyingMaterial!.LocalMasterKey.ToArray());
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Handshake_ManagedExpectsWrongFingerprint_FingerprintMismatchAndBouncyCastleGetsBadCertificate(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(role, managed: o => o with { RemoteFingerprint = DtlsCertificate.Generate().Fingerprint });

        var bcFailure = Assert.IsType<DtlsHandshakeException>(await peer.HandshakeAsync().WaitAsync(Patience));

        Assert.Equal(DtlsFailureReason.FingerprintMismatch, peer.Managed.Engine.FailureReason);
        Assert.Equal(DtlsFailureReason.Alert, bcFailure.Reason);
        Assert.Equal(42, bcFailure.AlertDescription);
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Handshake_BouncyCastleExpectsWrongFingerprint_ManagedFailsWithPeerAlert(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(role, bouncy: o => o with { RemoteFingerprint = DtlsCertificate.Generate().Fingerprint });

        var bcFailure = Assert.IsType<DtlsHandshakeException>(await peer.HandshakeAsync().WaitAsync(Patience));

        Assert.Equal(DtlsFailureReason.FingerprintMismatch, bcFailure.Reason);
        Assert.Equal(DtlsFailureReason.Alert, peer.Managed.Engine.FailureReason);
        Assert.Equal(42, peer.Managed.Engine.PeerAlert);
        Assert.Equal("peer sent fatal alert bad_certificate(42)", peer.Managed.Engine.FailureMessage);
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Handshake_NoCommonProfileManagedRequiresSrtp_SrtpProfileMismatch(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(
            role,
            managed: o => o with { SrtpProfiles = [DtlsSrtpProfile.AeadAes128Gcm], RequireSrtp = true },
            bouncy: o => o with { SrtpProfiles = [DtlsSrtpProfile.Aes128CmHmacSha1_80] });

        var bcFailure = Assert.IsType<DtlsHandshakeException>(await peer.HandshakeAsync().WaitAsync(Patience));

        Assert.Equal(DtlsFailureReason.SrtpProfileMismatch, peer.Managed.Engine.FailureReason);
        Assert.Equal(40, peer.Managed.Engine.SentAlert);
        Assert.Equal(DtlsFailureReason.Alert, bcFailure.Reason);
    }

    [Theory]
    [InlineData(DtlsRole.Client)]
    [InlineData(DtlsRole.Server)]
    public async Task Handshake_NoCommonProfileBouncyCastleRequiresSrtp_ManagedFailsWithPeerAlert(DtlsRole role)
    {
        using var peer = new BouncyCastlePeer(
            role,
            managed: o => o with { SrtpProfiles = [DtlsSrtpProfile.AeadAes128Gcm] },
            bouncy: o => o with { SrtpProfiles = [DtlsSrtpProfile.Aes128CmHmacSha1_80], RequireSrtp = true });

        var bcFailure = Assert.IsType<DtlsHandshakeException>(await peer.HandshakeAsync().WaitAsync(Patience));

        Assert.Equal(DtlsFailureReason.SrtpProfileMismatch, bcFailure.Reason);
        Assert.Equal(DtlsFailureReason.Alert, peer.Managed.Engine.FailureReason);
        Assert.Equal(40, peer.Managed.Engine.PeerAlert);
    }
}
