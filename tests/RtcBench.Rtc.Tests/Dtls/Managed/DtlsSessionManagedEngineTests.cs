using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls.Managed;

/// <summary>
/// <see cref="DtlsSession"/> with <see cref="DtlsEngine.Managed"/>: the public session API over the sans-IO engine,
/// against itself and against the BouncyCastle engine in either role, over <see cref="DtlsTestPipe"/>.
/// </summary>
public sealed class DtlsSessionManagedEngineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(DtlsEngine.Managed, DtlsEngine.Managed)]
    [InlineData(DtlsEngine.Managed, DtlsEngine.Bouncy)]
    [InlineData(DtlsEngine.Bouncy, DtlsEngine.Managed)]
    public async Task Session_ManagedEngine_HandshakeDataAndCloseAgainstEitherEngine(DtlsEngine client, DtlsEngine server)
    {
        using var pipe = new DtlsTestPipe(clientEngine: client, serverEngine: server);
        var serverGot = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientGot = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipe.Server.DataReceived += d => serverGot.TrySetResult(d.ToArray());
        pipe.Client.DataReceived += d => clientGot.TrySetResult(d.ToArray());
        pipe.Server.Closed += (_, reason) => serverClosed.TrySetResult(reason);

        await pipe.HandshakeAsync().WaitAsync(Patience);

        Assert.Equal(client, pipe.Client.Engine);
        Assert.Equal(server, pipe.Server.Engine);
        Assert.Equal(0xC02B, pipe.Client.Negotiated!.CipherSuite);
        Assert.True(pipe.Server.Negotiated!.ExtendedMasterSecret);
        Assert.Equal(DtlsSrtpProfile.AeadAes128Gcm, pipe.Server.Negotiated.SrtpProfile);
        Assert.Equal(pipe.Client.SrtpKeyingMaterial!.LocalMasterKey.ToArray(), pipe.Server.SrtpKeyingMaterial!.RemoteMasterKey.ToArray());
        Assert.Equal(pipe.Client.SrtpKeyingMaterial.RemoteMasterSalt.ToArray(), pipe.Server.SrtpKeyingMaterial.LocalMasterSalt.ToArray());
        Assert.True(pipe.Client.UsesManagedRecordLayer);
        Assert.Equal(1163, pipe.Client.SendLimit);

        pipe.Client.Send("hello server"u8);
        pipe.Server.Send(new byte[1100]);
        Assert.Equal("hello server"u8.ToArray(), await serverGot.Task.WaitAsync(Patience));
        Assert.Equal(1100, (await clientGot.Task.WaitAsync(Patience)).Length);

        pipe.Client.Close();
        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await serverClosed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsSessionState.Closed, pipe.Client.State);
        Assert.Throws<InvalidOperationException>(() => pipe.Client.Send("late"u8));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Session_ManagedEngineLosesFirstFlights_RetransmitsAndConnects(bool queueDelivery)
    {
        // Synchronous delivery is the shape that deadlocked while the session sent under its lock: both sides
        // retransmit on their own timer threads and each send runs straight into the other session.
        using var pipe = new DtlsTestPipe(dropClientToServer: [0], dropServerToClient: [1], clientEngine: DtlsEngine.Managed, serverEngine: DtlsEngine.Managed,
            queueDelivery: queueDelivery);

        await pipe.HandshakeAsync().WaitAsync(Patience);

        Assert.Equal(DtlsSessionState.Connected, pipe.Client.State);
        Assert.Equal(DtlsSessionState.Connected, pipe.Server.State);
    }

    [Theory]
    [InlineData(DtlsEngine.Managed, DtlsEngine.Bouncy)]
    [InlineData(DtlsEngine.Bouncy, DtlsEngine.Managed)]
    public async Task Session_ManagedEngineWrongFingerprint_TypedFailureOnBothSides(DtlsEngine client, DtlsEngine server)
    {
        using var pipe = new DtlsTestPipe(clientExpects: DtlsCertificate.Generate().Fingerprint, clientEngine: client, serverEngine: server);

        var serverHandshake = pipe.Server.HandshakeAsync(CancellationToken.None);
        var clientHandshake = pipe.Client.HandshakeAsync(CancellationToken.None);

        var clientFailure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => clientHandshake.WaitAsync(Patience));
        var serverFailure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => serverHandshake.WaitAsync(Patience));

        Assert.Equal(DtlsFailureReason.FingerprintMismatch, clientFailure.Reason);
        Assert.Equal(DtlsFailureReason.Alert, serverFailure.Reason);
        Assert.Equal(42, serverFailure.AlertDescription);
        Assert.Equal(DtlsSessionState.Failed, pipe.Client.State);
    }

    [Fact]
    public async Task Session_ManagedEngineHandlerThrows_ClosesWithErrorAndPeerIsTold()
    {
        using var pipe = new DtlsTestPipe(clientEngine: DtlsEngine.Managed, serverEngine: DtlsEngine.Managed);
        await pipe.HandshakeAsync().WaitAsync(Patience);
        var serverClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipe.Server.DataReceived += _ => throw new InvalidDataException("handler bug");
        pipe.Server.Closed += (_, reason) => serverClosed.TrySetResult(reason);
        pipe.Client.Closed += (_, reason) => clientClosed.TrySetResult(reason);

        pipe.Client.Send("boom"u8);

        Assert.Equal(DtlsCloseReason.Error, await serverClosed.Task.WaitAsync(Patience));
        Assert.IsType<InvalidDataException>(pipe.Server.Fault);
        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await clientClosed.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task Session_ManagedEngineCancelledOrSilentPeer_CancelledAndTimeout()
    {
        var certificate = DtlsCertificate.Generate();
        var options = new DtlsSessionOptions
        {
            Role = DtlsRole.Client,
            Certificate = certificate,
            RemoteFingerprint = certificate.Fingerprint,
            HandshakeTimeout = TimeSpan.FromMilliseconds(300),
        };
        int sent = 0;
        using var silent = new DtlsSession(options, _ => Interlocked.Increment(ref sent));
        using var cancelled = new DtlsSession(options with { HandshakeTimeout = TimeSpan.FromMinutes(5) }, _ => { });
        using var cts = new CancellationTokenSource();

        var timeout = await Assert.ThrowsAsync<DtlsHandshakeException>(() => silent.HandshakeAsync(CancellationToken.None).WaitAsync(Patience));
        var pending = cancelled.HandshakeAsync(cts.Token);
        await cts.CancelAsync();
        var cancel = await Assert.ThrowsAsync<DtlsHandshakeException>(() => pending.WaitAsync(Patience));

        Assert.Equal(DtlsFailureReason.Timeout, timeout.Reason);
        Assert.Equal(DtlsFailureReason.Cancelled, cancel.Reason);
        Assert.True(sent >= 1);
    }

    [Fact]
    public async Task Session_ManagedEngineSendCallback_RunsWithoutTheSessionLock()
    {
        // Another thread must be able to enter the session while its datagram callback runs: the callback is where a
        // socket (or a synchronous pipe) may block, or call into a peer that calls back into us.
        var certificate = DtlsCertificate.Generate();
        var entered = new List<bool>();
        DtlsSession? session = null;
        session = new DtlsSession(
            new DtlsSessionOptions
            {
                Role = DtlsRole.Client,
                Certificate = certificate,
                RemoteFingerprint = certificate.Fingerprint,
            },
            _ =>
            {
                var other = Task.Run(() => session!.HandleDatagram([22, 0xFE, 0xFD, 0, 0]));
                entered.Add(other.Wait(Patience));
            });
        using (session)
        {
            var handshake = session.HandshakeAsync(CancellationToken.None);

            Assert.Equal([true], entered); // The ClientHello (one datagram), sent after the lock was released.
            Assert.Equal(DtlsSessionState.Handshaking, session.State);
            session.Close();
            await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(Patience));
        }
    }

    [Fact]
    public async Task Session_ManagedEngineDataHandlerEchoes_EchoLeavesAfterTheHandlerInOrder()
    {
        using var pipe = new DtlsTestPipe(clientEngine: DtlsEngine.Managed, serverEngine: DtlsEngine.Managed);
        await pipe.HandshakeAsync().WaitAsync(Patience);
        var got = new List<byte>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipe.Server.DataReceived += data => pipe.Server.Send(data); // Re-entrant: the echo is queued, sent after the lock.
        pipe.Client.DataReceived += data =>
        {
            got.Add(data[0]);
            if (got.Count == 50)
            {
                all.TrySetResult();
            }
        };

        for (byte i = 0; i < 50; i++)
        {
            pipe.Client.Send([i]);
        }

        await all.Task.WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i), got);
    }

    [Fact]
    public void Session_ManagedEngineGarbageBeforeAndAfter_NeverThrows()
    {
        using var pipe = new DtlsTestPipe(clientEngine: DtlsEngine.Managed, serverEngine: DtlsEngine.Managed);
        pipe.Server.HandleDatagram([22, 0xFE, 0xFD, 0, 0]);
        pipe.Server.HandleDatagram([]);
        pipe.Dispose();
        pipe.Server.HandleDatagram([23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0]);
        Assert.Equal(DtlsSessionState.Closed, pipe.Server.State);
    }

    [Fact]
    public async Task Session_ManagedEngineWarmedSendAndReceive_AllocatesNothing()
    {
        using var pipe = new DtlsTestPipe(clientEngine: DtlsEngine.Managed, serverEngine: DtlsEngine.Managed);
        await pipe.HandshakeAsync().WaitAsync(Patience);
        long received = 0;
        pipe.Server.DataReceivedAt += (data, _) => received += data.Length;
        var message = new byte[128];
        for (int i = 0; i < 100; i++)
        {
            pipe.Client.Send(message); // The pipe delivers synchronously: the server decrypts on this thread.
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            pipe.Client.Send(message);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1100 * 128, received);
        Assert.Equal(0, allocated);
    }
}
