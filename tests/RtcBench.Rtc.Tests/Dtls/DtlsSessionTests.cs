using System.Buffers.Binary;
using System.Threading.Channels;
using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

public sealed class DtlsSessionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Handshake_BackToBack_NegotiatesDtls12C02BWithEms()
    {
        using var pipe = new DtlsTestPipe();

        await pipe.HandshakeAsync().WaitAsync(Patience);

        foreach (var session in new[] { pipe.Client, pipe.Server })
        {
            Assert.Equal(DtlsSessionState.Connected, session.State);
            var negotiated = session.Negotiated;
            Assert.NotNull(negotiated);
            Assert.Equal(0xFEFD, negotiated!.Version);
            Assert.Equal("DTLS 1.2", negotiated.VersionName);
            Assert.Equal(0xC02B, negotiated.CipherSuite);
            Assert.True(negotiated.ExtendedMasterSecret);
            Assert.Equal(1, negotiated.PrfAlgorithm); // tls_prf_sha256
            Assert.Equal(1163, session.SendLimit);
        }
    }

    [Fact]
    public async Task Handshake_LossAndReordering_CompletesThroughRetransmission()
    {
        // The first ClientHello and the first ServerHello are lost, and the rest of the server's first flight
        // arrives with neighbours swapped: each side must retransmit (BouncyCastle on both sides, on the real clock).
        // When the retransmissions happen is asserted in virtual time: ManagedDtlsTimingTests.
        using var pipe = new DtlsTestPipe(
            handshakeTimeout: TimeSpan.FromSeconds(15),
            dropClientToServer: [0],
            dropServerToClient: [0],
            swapServerToClientBelow: 5);

        await pipe.HandshakeAsync().WaitAsync(Patience);

        var received = Collect(pipe.Server);
        pipe.Client.Send("after loss"u8);
        Assert.Equal("after loss"u8.ToArray(), await received.ReadAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Send_SmallAnd1100ByteRecords_ArriveIntactBothWays()
    {
        using var pipe = new DtlsTestPipe();
        await pipe.HandshakeAsync().WaitAsync(Patience);
        var atServer = Collect(pipe.Server);
        var atClient = Collect(pipe.Client);
        byte[] large = new byte[1100];
        new Random(7).NextBytes(large);

        pipe.Client.Send("ping"u8);
        pipe.Client.Send(large);
        pipe.Client.Send([]);
        pipe.Server.Send("pong"u8);
        pipe.Server.Send(large);

        Assert.Equal("ping"u8.ToArray(), await atServer.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(large, await atServer.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Empty(await atServer.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("pong"u8.ToArray(), await atClient.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(large, await atClient.ReadAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Send_ThousandMessagesEachWayOverLosslessPipe_ArriveInOrder()
    {
        const int count = 1000;
        using var pipe = new DtlsTestPipe(queueCapacity: 4096);
        await pipe.HandshakeAsync().WaitAsync(Patience);
        var atServer = Collect(pipe.Server);
        var atClient = Collect(pipe.Client);

        var clientSends = Task.Run(() => SendNumbered(pipe.Client, count));
        var serverSends = Task.Run(() => SendNumbered(pipe.Server, count));
        await Task.WhenAll(clientSends, serverSends).WaitAsync(Patience);

        await ExpectNumbered(atServer, count);
        await ExpectNumbered(atClient, count);
        Assert.Equal(0, pipe.Server.DroppedDatagrams);
        Assert.Equal(0, pipe.Client.DroppedDatagrams);
    }

    [Fact]
    public async Task Handshake_ClientExpectsWrongFingerprint_ClientFailsWithFingerprintMismatch()
    {
        using var pipe = new DtlsTestPipe(clientExpects: DtlsCertificate.Generate().Fingerprint);

        var client = pipe.Client.HandshakeAsync(CancellationToken.None);
        var server = pipe.Server.HandshakeAsync(CancellationToken.None);

        var clientError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.FingerprintMismatch, clientError.Reason);
        var serverError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.Alert, serverError.Reason);
        Assert.Equal(42, serverError.AlertDescription); // bad_certificate
        Assert.Equal(DtlsSessionState.Failed, pipe.Client.State);
        Assert.Null(pipe.Client.Negotiated);
    }

    [Fact]
    public async Task Handshake_ServerExpectsWrongFingerprint_ServerFailsWithFingerprintMismatch()
    {
        using var pipe = new DtlsTestPipe(serverExpects: DtlsCertificate.Generate().Fingerprint);

        var client = pipe.Client.HandshakeAsync(CancellationToken.None);
        var server = pipe.Server.HandshakeAsync(CancellationToken.None);

        var serverError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.FingerprintMismatch, serverError.Reason);
        var clientError = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.Alert, clientError.Reason);
        Assert.Equal(DtlsSessionState.Failed, pipe.Server.State);
    }

    [Theory]
    [InlineData(DtlsRole.Client, DtlsEngine.Managed)]
    [InlineData(DtlsRole.Server, DtlsEngine.Managed)]
    [InlineData(DtlsRole.Client, DtlsEngine.Bouncy)]
    [InlineData(DtlsRole.Server, DtlsEngine.Bouncy)]
    public async Task Handshake_PeerNeverAnswers_FailsWithTimeoutAtTheConfiguredVirtualTime(DtlsRole role, DtlsEngine engine)
    {
        // The session's timeout runs on its TimeProvider: a clock the test moves. (BouncyCastle's own retransmission
        // timers read the real clock; its backstop is the timeout plus 1 s of real time, far beyond this test.)
        var clock = new ManualClock();
        var timeout = TimeSpan.FromSeconds(60);
        using var session = Lonely(role, timeout, _ => { }, engine, clock);
        var handshake = session.HandshakeAsync(CancellationToken.None);

        clock.Advance(timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(handshake.IsCompleted);
        Assert.Equal(DtlsSessionState.Handshaking, session.State);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(Patience));
        Assert.Equal(DtlsFailureReason.Timeout, error.Reason);
        Assert.Equal(DtlsSessionState.Failed, session.State);
    }

    [Theory]
    [InlineData(DtlsEngine.Managed)]
    [InlineData(DtlsEngine.Bouncy)]
    public async Task Handshake_Cancelled_FailsWithCancelledNotTimeout(DtlsEngine engine)
    {
        var firstFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var session = Lonely(DtlsRole.Client, TimeSpan.FromSeconds(60), _ => firstFlight.TrySetResult(), engine);
        using var cancellation = new CancellationTokenSource();
        var handshake = session.HandshakeAsync(cancellation.Token);
        await firstFlight.Task.WaitAsync(Patience); // The DTLS thread is now blocked waiting for a ServerHello.

        await cancellation.CancelAsync();
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(Patience));

        // Not the timeout (a minute away) and not BouncyCastle's own give-up: the cancellation ended it.
        Assert.Equal(DtlsFailureReason.Cancelled, error.Reason);
    }

    /// <summary>
    /// A plaintext (epoch 0) alert while the client waits for the ServerHello, as a server that refuses the ClientHello
    /// sends it: the handshake fails with the alert named, not at the (one-minute) timeout.
    /// </summary>
    [Theory]
    [InlineData(2, 40, DtlsFailureReason.Alert, "peer sent fatal alert handshake_failure(40)", DtlsEngine.Managed)]
    [InlineData(2, 47, DtlsFailureReason.Alert, "peer sent fatal alert illegal_parameter(47)", DtlsEngine.Managed)]
    [InlineData(1, 0, DtlsFailureReason.PeerClosed, "peer sent close_notify(0) during the handshake", DtlsEngine.Managed)]
    [InlineData(2, 40, DtlsFailureReason.Alert, "peer sent fatal alert handshake_failure(40)", DtlsEngine.Bouncy)]
    [InlineData(2, 47, DtlsFailureReason.Alert, "peer sent fatal alert illegal_parameter(47)", DtlsEngine.Bouncy)]
    [InlineData(1, 0, DtlsFailureReason.PeerClosed, "peer sent close_notify(0) during the handshake", DtlsEngine.Bouncy)]
    public async Task Handshake_PeerAnswersTheClientHelloWithAnAlert_FailsNamingIt(byte level, byte description, DtlsFailureReason reason, string message,
        DtlsEngine engine)
    {
        var firstFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var session = Lonely(DtlsRole.Client, TimeSpan.FromSeconds(60), _ => firstFlight.TrySetResult(), engine);
        var handshake = session.HandshakeAsync(CancellationToken.None);
        await firstFlight.Task.WaitAsync(Patience); // The DTLS thread is now waiting for a ServerHello.

        // content type alert, DTLS 1.2, epoch 0, sequence 0, length 2, level, description.
        session.HandleDatagram([21, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, level, description]);

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake.WaitAsync(Patience));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(description, error.AlertDescription);
        Assert.Equal(message, error.Message);
        Assert.Equal(level == 2 ? description : null, session.PeerFatalAlert);
        Assert.Equal(DtlsSessionState.Failed, session.State);
    }

    [Fact]
    public async Task Close_ClientCloses_ServerRaisesClosedWithPeerCloseNotify()
    {
        using var pipe = new DtlsTestPipe();
        await pipe.HandshakeAsync().WaitAsync(Patience);
        var serverClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipe.Server.Closed += (_, reason) => serverClosed.TrySetResult(reason);
        pipe.Client.Closed += (_, reason) => clientClosed.TrySetResult(reason);

        pipe.Client.Close();

        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await serverClosed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsCloseReason.Local, await clientClosed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsSessionState.Closed, pipe.Server.State);
        Assert.Equal(DtlsSessionState.Closed, pipe.Client.State);
        Assert.Throws<InvalidOperationException>(() => pipe.Client.Send("late"u8));
        Assert.Throws<InvalidOperationException>(() => pipe.Server.Send("late"u8));
    }

    [Fact]
    public async Task DataReceived_HandlerThrows_SessionClosesWithErrorAndPeerIsTold()
    {
        using var pipe = new DtlsTestPipe();
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

    [Theory]
    [InlineData(true)] // Our managed record layer authenticates.
    [InlineData(false)] // BouncyCastle's record layer authenticates (BcGuardedCipher turns undecodable records into drops).
    public async Task HandleDatagram_GarbageAndForgedRecords_SessionSurvivesAndStillCarriesData(bool managed)
    {
        // Room for the whole burst: this is about content, not load.
        using var pipe = new DtlsTestPipe(queueCapacity: 4096, clientManaged: managed, serverManaged: managed);
        await pipe.HandshakeAsync().WaitAsync(Patience);
        var atServer = Collect(pipe.Server);
        byte[]? captured = null;
        pipe.ClientTap = d => captured ??= d.ToArray();
        pipe.Client.Send("genuine"u8);
        pipe.ClientTap = null;
        Assert.Equal("genuine"u8.ToArray(), await atServer.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.NotNull(captured);

        var random = new Random(20261121);
        foreach (var garbage in Garbage(random, captured!))
        {
            pipe.Server.HandleDatagram(garbage);
            pipe.Client.HandleDatagram(garbage);
        }

        Assert.True(pipe.Server.State == DtlsSessionState.Connected, $"server {pipe.Server.State} {pipe.Server.Fault}");
        Assert.True(pipe.Client.State == DtlsSessionState.Connected, $"client {pipe.Client.State} {pipe.Client.Fault}");
        pipe.Client.Send("still here"u8);
        Assert.Equal("still here"u8.ToArray(), await atServer.ReadAsync().AsTask().WaitAsync(Patience));
        var atClient = Collect(pipe.Client);
        pipe.Server.Send("me too"u8);
        Assert.Equal("me too"u8.ToArray(), await atClient.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(DtlsSessionState.Connected, pipe.Server.State);
        Assert.Equal(DtlsSessionState.Connected, pipe.Client.State);
        Assert.True(pipe.Server.DroppedDatagrams > 0);
        Assert.False(atServer.TryRead(out _)); // The replayed "genuine" record was not delivered twice.
    }

    [Theory]
    [InlineData(DtlsEngine.Managed)]
    [InlineData(DtlsEngine.Bouncy)]
    public void HandleDatagram_BeforeHandshakeAndAfterDispose_NeverThrows(DtlsEngine engine)
    {
        var session = Lonely(DtlsRole.Server, TimeSpan.FromSeconds(5), _ => { }, engine);
        var random = new Random(5);
        foreach (var garbage in Garbage(random, new byte[40]))
        {
            session.HandleDatagram(garbage);
        }

        session.Dispose();
        session.HandleDatagram(new byte[100]);
        session.HandleDatagram([]);
        Assert.Equal(DtlsSessionState.Closed, session.State);
    }

    [Fact]
    public async Task Send_NotConnectedOrOverLimit_Throws()
    {
        using var pipe = new DtlsTestPipe();
        Assert.Throws<InvalidOperationException>(() => pipe.Client.Send("early"u8));
        await pipe.HandshakeAsync().WaitAsync(Patience);

        Assert.Throws<ArgumentException>(() => pipe.Client.Send(new byte[pipe.Client.SendLimit + 1]));
        Assert.Throws<InvalidOperationException>(() => { _ = pipe.Client.HandshakeAsync(CancellationToken.None); });
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryError()
    {
        var certificate = DtlsCertificate.Generate();
        var options = new DtlsSessionOptions
        {
            Role = (DtlsRole)7,
            Certificate = certificate,
            RemoteFingerprint = certificate.Fingerprint,
            HandshakeTimeout = TimeSpan.Zero,
        };

        var error = Assert.Throws<ArgumentException>(() => new DtlsSession(options, _ => { }));
        var settingsError = Assert.Throws<ArgumentException>(() => new DtlsSession(options with { Role = DtlsRole.Client, HandshakeTimeout = TimeSpan.FromSeconds(1) },
            _ => { }, new DtlsSessionSettings { ReceiveQueueCapacity = 0 }));

        Assert.Contains("Role", error.Message, StringComparison.Ordinal);
        Assert.Contains("HandshakeTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("ReceiveQueueCapacity", settingsError.Message, StringComparison.Ordinal);
    }

    private static DtlsSession Lonely(DtlsRole role, TimeSpan timeout, DtlsBytesHandler output, DtlsEngine engine, TimeProvider? clock = null) => new(
        new DtlsSessionOptions
        {
            Role = role,
            Certificate = DtlsCertificate.Generate(),
            RemoteFingerprint = DtlsCertificate.Generate().Fingerprint,
            HandshakeTimeout = timeout,
        },
        output,
        new DtlsSessionSettings { Engine = engine, TimeProvider = clock ?? TimeProvider.System });

    private static ChannelReader<byte[]> Collect(DtlsSession session)
    {
        var channel = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        session.DataReceived += data => channel.Writer.TryWrite(data.ToArray());
        return channel.Reader;
    }

    private static void SendNumbered(DtlsSession session, int count)
    {
        var message = new byte[1100];
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(message, i);
            session.Send(i % 2 == 0 ? message : message.AsSpan(0, 8));
        }
    }

    private static async Task ExpectNumbered(ChannelReader<byte[]> reader, int count)
    {
        using var deadline = new CancellationTokenSource(Patience);
        for (int i = 0; i < count; i++)
        {
            var message = await reader.ReadAsync(deadline.Token);
            Assert.Equal(i, BinaryPrimitives.ReadInt32BigEndian(message));
            Assert.Equal(i % 2 == 0 ? 1100 : 8, message.Length);
        }
    }

    /// <summary>Random datagrams, header-valid records with random epoch-1 ciphertext, mutations of a real record, a replay.</summary>
    private static IEnumerable<byte[]> Garbage(Random random, byte[] genuine)
    {
        for (int i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 1600)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && i % 2 == 0)
            {
                bytes[0] = (byte)random.Next(20, 64);
            }

            yield return bytes;
        }

        for (int i = 0; i < 300; i++)
        {
            var record = new byte[13 + random.Next(0, 1200)];
            random.NextBytes(record);
            record[0] = (byte)random.Next(20, 25);
            record[1] = 0xFE;
            record[2] = 0xFD;
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(3), (ushort)(i % 3 == 0 ? 0 : 1));
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), (ushort)(record.Length - 13));
            yield return record;
        }

        for (int i = 0; i < 300; i++)
        {
            var mutated = (byte[])genuine.Clone();
            int at = random.Next(mutated.Length);
            mutated[at] ^= (byte)random.Next(1, 256);
            yield return i % 10 == 0 ? mutated.AsSpan(0, random.Next(mutated.Length)).ToArray() : mutated;
        }

        var highSequence = (byte[])genuine.Clone();
        highSequence.AsSpan(5, 6).Fill(0xFF); // A forged far-future sequence number must not poison the replay window.
        yield return highSequence;
        yield return genuine;
    }
}
