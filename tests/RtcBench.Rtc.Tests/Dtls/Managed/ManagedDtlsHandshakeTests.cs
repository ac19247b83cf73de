using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls.Managed;

/// <summary>
/// Two managed engines against each other in virtual time: the handshake, keys, data, and every failure ending typed.
/// Interop with an independent implementation: <see cref="ManagedDtlsBouncyCastleTests"/>.
/// </summary>
public sealed class ManagedDtlsHandshakeTests
{
    [Fact]
    public void Handshake_CleanNetwork_ConnectsOn0xC02BWithEmsAndMirroredSrtpKeys()
    {
        using var sim = new ManagedDtlsSim(seed: 1);

        sim.Start();
        sim.RunHandshake();

        Assert.True(sim.Client.Connected, sim.Client.Engine.FailureMessage);
        Assert.True(sim.Server.Connected, sim.Server.Engine.FailureMessage);
        var negotiated = sim.Client.Engine.Negotiated!;
        Assert.Equal(0xFEFD, negotiated.Version);
        Assert.Equal(0xC02B, negotiated.CipherSuite);
        Assert.True(negotiated.ExtendedMasterSecret);
        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, negotiated.SrtpProfile);
        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, sim.Server.Engine.Negotiated!.SrtpProfile);
        var client = sim.Client.Engine.SrtpKeyingMaterial!;
        var server = sim.Server.Engine.SrtpKeyingMaterial!;
        Assert.Equal(client.LocalMasterKey.ToArray(), server.RemoteMasterKey.ToArray());
        Assert.Equal(client.LocalMasterSalt.ToArray(), server.RemoteMasterSalt.ToArray());
        Assert.Equal(client.RemoteMasterKey.ToArray(), server.LocalMasterKey.ToArray());
        Assert.Equal(12, client.LocalMasterSalt.Length);
        Assert.NotEqual(client.LocalMasterKey.ToArray(), client.RemoteMasterKey.ToArray());
        Assert.Equal(1, ((DtlsManagedServer)sim.Server.Engine).HelloVerifyRequests);
        Assert.Equal(0, sim.Client.Engine.Retransmissions);
    }

    [Fact]
    public void Data_AfterHandshake_FlowsBothWaysAndCloseNotifyEndsBoth()
    {
        using var sim = new ManagedDtlsSim(seed: 2);
        sim.Start();
        sim.RunHandshake();

        sim.Client.Engine.Send("ping"u8);
        sim.Server.Engine.Send(new byte[sim.Server.Engine.SendLimit]);
        sim.DrainBoth();
        sim.RunUntil(() => sim.Client.Received.Count == 1 && sim.Server.Received.Count == 1);

        Assert.Equal("ping"u8.ToArray(), sim.Server.Received[0]);
        Assert.Equal(1163, sim.Client.Received[0].Length);

        sim.Client.Engine.Close();
        sim.DrainBoth();
        sim.RunUntil(() => sim.Server.Events.Contains(DtlsOutputKind.Closed));
        Assert.Equal(DtlsCloseReason.Local, sim.Client.Engine.CloseReason);
        Assert.Equal(DtlsCloseReason.PeerCloseNotify, sim.Server.Engine.CloseReason);
    }

    [Fact]
    public void Handshake_LossDuplicationReordering_StillConnectsForEverySeed()
    {
        for (int seed = 100; seed < 300; seed++)
        {
            LossySeed(seed);
        }
    }

    private static void LossySeed(int seed)
    {
        // 30 % loss each way: a flight can need many rounds of the doubling timer (virtual time: 10 minutes cost nothing).
        using var sim = new ManagedDtlsSim(seed, o => o with { HandshakeTimeout = TimeSpan.FromMinutes(10) }, o => o with { HandshakeTimeout = TimeSpan.FromMinutes(10) })
        {
            Loss = 0.3,
            Duplication = 0.3,
            JitterNs = 30_000_000,
        };

        sim.Start();
        sim.RunHandshake();

        Assert.True(sim.Client.Connected, $"seed {seed} at {sim.NowNs / 1e9:0.0} s: {sim.Client.Engine.FailureMessage} client {sim.Client.Engine.State} rtx {sim.Client.Engine.Retransmissions} dropped {sim.Client.Engine.DroppedDatagrams} server {sim.Server.Engine.State} rtx {sim.Server.Engine.Retransmissions} dropped {sim.Server.Engine.DroppedDatagrams} hvr {((DtlsManagedServer)sim.Server.Engine).HelloVerifyRequests} sent {sim.SentDatagrams}\n{string.Join('\n', sim.Log)}");
        Assert.True(sim.Server.Connected, $"seed {seed}: {sim.Server.Engine.FailureMessage}");
        Assert.Equal(sim.Client.Engine.SrtpKeyingMaterial!.LocalMasterKey.ToArray(), sim.Server.Engine.SrtpKeyingMaterial!.RemoteMasterKey.ToArray());
    }

    [Fact]
    public void Handshake_SmallMtu_FragmentsAndReassembles()
    {
        var sizes = new List<int>();
        using var sim = new ManagedDtlsSim(seed: 3, mtu: 256)
        {
            JitterNs = 20_000_000, // fragments arrive out of order
            Tap = (_, bytes) =>
            {
                sizes.Add(bytes.Length);
                return bytes;
            },
        };

        sim.Start();
        sim.RunHandshake();

        Assert.True(sim.Client.Connected && sim.Server.Connected, sim.Client.Engine.FailureMessage ?? sim.Server.Engine.FailureMessage);
        Assert.All(sizes, size => Assert.InRange(size, 1, 256));
        Assert.True(sizes.Count > 6, $"only {sizes.Count} datagrams: nothing was fragmented");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Handshake_ClientHelloInFragments_ServerReassemblesIt(bool cookie)
    {
        // Chromium's ClientHello (DTLS 1.3 and post-quantum key shares) does not fit one datagram.
        int split = 0;
        using var sim = new ManagedDtlsSim(seed: 31, server: o => o with { HelloVerifyCookie = cookie })
        {
            Tap = (toServer, bytes) => toServer && bytes[13] == 1 && split++ < 4 ? SplitInTwo(bytes) : bytes,
        };

        sim.Start();
        sim.RunHandshake();

        Assert.True(sim.Client.Connected && sim.Server.Connected, sim.Server.Engine.FailureMessage);
        Assert.Equal(cookie ? 2 : 1, split);
        Assert.Equal(0, sim.Client.Engine.Retransmissions);
    }

    [Fact]
    public void Handshake_ServerFlightLostOnce_ClientRetransmitsAfterOneSecond()
    {
        int serverSends = 0;
        using var sim = new ManagedDtlsSim(seed: 4)
        {
            Tap = (toServer, bytes) => !toServer && serverSends++ == 1 ? null : bytes, // drop flight 4 once
        };

        sim.Start();
        sim.RunHandshake();

        Assert.True(sim.Client.Connected && sim.Server.Connected);
        Assert.Equal(1, sim.Client.Engine.Retransmissions);
        // Flight 4 (sent at 3 ms) lost; the client's flight 3 (sent at 2 ms) is resent at 1.002 s, the server answers
        // at 1.003 s with flight 4 again, flight 5 at 1.004 s, flight 6 at 1.005 s: the client connects at 1.006 s.
        Assert.Equal(1_006_000_000, sim.NowNs);
    }

    [Fact]
    public void Handshake_ServerFinalFlightLost_ReplayedWhenClientRetransmits()
    {
        bool dropped = false;
        var finalFlights = new List<byte[]>();
        using var sim = new ManagedDtlsSim(seed: 5)
        {
            Tap = (toServer, bytes) =>
            {
                if (!toServer && bytes[0] == DtlsWire.ChangeCipherSpec)
                {
                    finalFlights.Add(bytes);
                }

                if (!toServer && !dropped && bytes[0] == DtlsWire.ChangeCipherSpec)
                {
                    dropped = true;
                    return null;
                }

                return bytes;
            },
        };

        sim.Start();
        sim.RunHandshake();
        sim.RunUntil(() => sim.Client.Connected);

        Assert.True(dropped);
        Assert.True(sim.Client.Connected && sim.Server.Connected);
        Assert.Equal(1, sim.Server.Engine.Retransmissions);
        Assert.Equal(2, finalFlights.Count);
        Assert.Equal(finalFlights[0], finalFlights[1]); // replayed byte for byte: a peer that has it drops the copy
    }

    [Fact]
    public void Handshake_WrongServerFingerprint_ClientFailsTypedAndServerGetsBadCertificate()
    {
        using var sim = new ManagedDtlsSim(seed: 6, client: o => o with { RemoteFingerprint = DtlsCertificate.Generate().Fingerprint });

        sim.Start();
        sim.RunUntil(() => sim.Client.Failed && sim.Server.Failed);

        Assert.Equal(DtlsFailureReason.FingerprintMismatch, sim.Client.Engine.FailureReason);
        Assert.Equal(42, sim.Client.Engine.SentAlert);
        Assert.Equal(DtlsFailureReason.Alert, sim.Server.Engine.FailureReason);
        Assert.Equal(42, sim.Server.Engine.PeerAlert);
        Assert.Contains("bad_certificate(42)", sim.Server.Engine.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Handshake_WrongClientFingerprint_ServerFailsTyped()
    {
        using var sim = new ManagedDtlsSim(seed: 7, server: o => o with { RemoteFingerprint = DtlsCertificate.Generate().Fingerprint });

        sim.Start();
        sim.RunUntil(() => sim.Client.Failed && sim.Server.Failed);

        Assert.Equal(DtlsFailureReason.FingerprintMismatch, sim.Server.Engine.FailureReason);
        Assert.Equal(DtlsFailureReason.Alert, sim.Client.Engine.FailureReason);
        Assert.Equal(42, sim.Client.Engine.PeerAlert);
    }

    [Fact]
    public void Handshake_NoCommonSrtpProfileWithRequireSrtp_SrtpProfileMismatch()
    {
        using var sim = new ManagedDtlsSim(
            seed: 8,
            client: o => o with { SrtpProfiles = [DtlsSrtpProfile.Aes128CmHmacSha1_80] },
            server: o => o with { SrtpProfiles = [DtlsSrtpProfile.AeadAes128Gcm], RequireSrtp = true });

        sim.Start();
        sim.RunUntil(() => sim.Client.Failed && sim.Server.Failed);

        Assert.Equal(DtlsFailureReason.SrtpProfileMismatch, sim.Server.Engine.FailureReason);
        Assert.Equal(DtlsFailureReason.Alert, sim.Client.Engine.FailureReason);
        Assert.Equal(40, sim.Client.Engine.PeerAlert);
    }

    [Fact]
    public void Handshake_NoCommonSrtpProfileWithoutRequireSrtp_ConnectsWithNone()
    {
        using var sim = new ManagedDtlsSim(
            seed: 9,
            client: o => o with { SrtpProfiles = [DtlsSrtpProfile.Aes128CmHmacSha1_80] },
            server: o => o with { SrtpProfiles = [DtlsSrtpProfile.AeadAes128Gcm] });

        sim.Start();
        sim.RunHandshake();

        Assert.True(sim.Client.Connected && sim.Server.Connected);
        Assert.Equal(DtlsSrtpProfile.None, sim.Client.Engine.Negotiated!.SrtpProfile);
        Assert.Null(sim.Client.Engine.SrtpKeyingMaterial);
    }

    [Fact]
    public void Handshake_PeerSilent_TimesOutTyped()
    {
        using var sim = new ManagedDtlsSim(seed: 10, client: o => o with { HandshakeTimeout = TimeSpan.FromSeconds(5) }) { Loss = 1.0 };

        sim.Start();
        sim.RunUntil(() => sim.Client.Failed);

        Assert.Equal(DtlsFailureReason.Timeout, sim.Client.Engine.FailureReason);
        Assert.Equal(5_000_000_000, sim.NowNs);
        Assert.Equal(2, sim.Client.Engine.Retransmissions); // at 1 s and 3 s (doubling); the next would be at 7 s
    }

    /// <summary>
    /// A datagram of one plaintext handshake record as two records (fragments at half the body), in one datagram:
    /// what a peer with a small MTU sends, minus the second datagram (the sim delivers one; both halves are in it).
    /// </summary>
    private static byte[] SplitInTwo(byte[] datagram)
    {
        int bodyLength = (datagram[14] << 16) | (datagram[15] << 8) | datagram[16];
        var body = datagram.AsSpan(25, bodyLength);
        int half = bodyLength / 2;
        byte[] result = new byte[(2 * 25) + bodyLength];
        WriteFragment(result.AsSpan(0), datagram, half, bodyLength - half, body[half..]);
        WriteFragment(result.AsSpan(25 + bodyLength - half), datagram, 0, half, body[..half]);
        return result;
    }

    private static void WriteFragment(Span<byte> into, byte[] original, int offset, int length, ReadOnlySpan<byte> bytes)
    {
        original.AsSpan(0, 25).CopyTo(into);
        into[11] = (byte)((12 + length) >> 8);
        into[12] = (byte)(12 + length);
        into[19] = (byte)(offset >> 16);
        into[20] = (byte)(offset >> 8);
        into[21] = (byte)offset;
        into[22] = (byte)(length >> 16);
        into[23] = (byte)(length >> 8);
        into[24] = (byte)length;
        bytes.CopyTo(into[25..]);
    }
}
