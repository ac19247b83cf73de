using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls.Managed;

/// <summary>
/// Every timing claim of the DTLS handshake, in virtual time over the sans-IO engine (no sockets, no real clock), so
/// each can be asserted to the nanosecond: the handshake timeout, the RFC 6347 §4.2.4.1 retransmission back-off
/// (1 s, doubling, at most 60 s) on both sides, and recovery from loss at the instant the back-off predicts.
/// The sim delays every datagram by exactly 1 ms unless told otherwise.
/// </summary>
public sealed class ManagedDtlsTimingTests
{
    private const long Ms = 1_000_000;
    private const long Second = 1_000 * Ms;

    [Theory]
    [InlineData(DtlsRole.Client, 700)]
    [InlineData(DtlsRole.Server, 700)]
    [InlineData(DtlsRole.Client, 10_000)]
    [InlineData(DtlsRole.Server, 10_000)]
    public void Handshake_PeerSilent_FailsWithTimeoutExactlyAtTheConfiguredTimeout(DtlsRole role, int timeoutMs)
    {
        var certificate = DtlsCertificate.Generate();
        using var driver = new ManagedEngineDriver(DtlsManagedEngine.Create(new DtlsSessionOptions
        {
            Role = role,
            Certificate = certificate,
            RemoteFingerprint = certificate.Fingerprint,
            HandshakeTimeout = TimeSpan.FromMilliseconds(timeoutMs),
        }));
        const long start = 5 * Second; // Any origin: the deadline is relative to Start.
        long timeoutNs = timeoutMs * Ms;

        driver.Engine.Start(start);
        driver.Drain(_ => { });
        for (long now = start; now < start + timeoutNs; now = driver.Engine.NextTimeoutNs)
        {
            driver.Engine.HandleTimeout(now); // Every retransmission instant before the deadline: still handshaking.
            driver.Drain(_ => { });
            Assert.False(driver.Failed, $"failed at {now - start} ns");
        }

        driver.Engine.HandleTimeout(start + timeoutNs - 1);
        driver.Drain(_ => { });
        Assert.False(driver.Failed);
        Assert.Equal(start + timeoutNs, driver.Engine.NextTimeoutNs);

        driver.Engine.HandleTimeout(start + timeoutNs);
        driver.Drain(_ => { });

        Assert.True(driver.Failed);
        Assert.Equal(DtlsFailureReason.Timeout, driver.Engine.FailureReason);
        Assert.Equal(long.MaxValue, driver.Engine.NextTimeoutNs);
    }

    [Fact]
    public void Handshake_ClientHelloNeverAnswered_ResentAtTheBackOffInstantsCappedAt60Seconds()
    {
        using var sim = new ManagedDtlsSim(seed: 1, client: o => o with { HandshakeTimeout = TimeSpan.FromMinutes(10) }) { Loss = 1.0 };

        sim.Start();
        sim.RunTo(250 * Second);

        // Sent at 0, then after 1, 2, 4, 8, 16, 32 s, then every 60 s (the cap).
        long[] expected = [0, 1, 3, 7, 15, 31, 63, 123, 183, 243];
        Assert.Equal(expected.Select(s => s * Second), sim.Sends.Where(s => s.ToServer).Select(s => s.AtNs));
        Assert.DoesNotContain(sim.Sends, s => !s.ToServer); // The server never heard anything.
        Assert.Equal(expected.Length - 1, sim.Client.Engine.Retransmissions);
        Assert.Equal(303 * Second, sim.Client.Engine.NextTimeoutNs);
    }

    [Fact]
    public void Handshake_ClientsSecondFlightAlwaysLost_ServerResendsItsFlightAtTheBackOffInstants()
    {
        // ClientHello (0 ms) → HelloVerifyRequest (1 ms) → ClientHello with cookie (2 ms) → the server's flight 4 at 3 ms;
        // everything the client sends after that is lost, so the server's timer alone resends flight 4.
        int clientSends = 0;
        using var sim = new ManagedDtlsSim(
            seed: 2,
            client: o => o with { HandshakeTimeout = TimeSpan.FromMinutes(10) },
            server: o => o with { HandshakeTimeout = TimeSpan.FromMinutes(10) })
        {
            Tap = (toServer, bytes) => toServer && clientSends++ >= 2 ? null : bytes,
        };

        sim.Start();
        sim.RunTo(40 * Second);

        long[] serverFlights = sim.Sends.Where(s => !s.ToServer).Select(s => s.AtNs).Distinct().ToArray();
        Assert.Equal([1 * Ms, 3 * Ms, 1 * Second + 3 * Ms, 3 * Second + 3 * Ms, 7 * Second + 3 * Ms, 15 * Second + 3 * Ms, 31 * Second + 3 * Ms],
            serverFlights);
        Assert.Equal(5, sim.Server.Engine.Retransmissions);
        Assert.False(sim.Client.Connected || sim.Server.Connected);
    }

    [Fact]
    public void Handshake_FirstClientHelloAndHelloVerifyRequestLost_ConnectsAtTheInstantTheBackOffPredicts()
    {
        // ClientHello lost at 0 s; resent at 1 s, its HelloVerifyRequest lost at 1.001 s; resent at 3 s (the timer
        // doubled): HVR 3.001, ClientHello 3.002, flight 4 3.003, flight 5 3.004 (server connects at 3.005 on it),
        // flight 6 3.005, client connects at 3.006.
        int clientSends = 0;
        int serverSends = 0;
        using var sim = new ManagedDtlsSim(seed: 3)
        {
            Tap = (toServer, bytes) => (toServer ? clientSends++ : serverSends++) == 0 ? null : bytes,
        };

        sim.Start();
        sim.RunUntil(() => sim.Server.Connected);
        Assert.Equal(3 * Second + 5 * Ms, sim.NowNs);
        sim.RunHandshake();

        Assert.True(sim.Client.Connected && sim.Server.Connected);
        Assert.Equal(3 * Second + 6 * Ms, sim.NowNs);
        Assert.Equal(2, sim.Client.Engine.Retransmissions);
        Assert.Equal(0, sim.Server.Engine.Retransmissions);
    }
}
