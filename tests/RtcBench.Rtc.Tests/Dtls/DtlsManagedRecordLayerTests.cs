using System.Buffers.Binary;
using System.Threading.Channels;
using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// The managed AES-GCM record layer against BouncyCastle's own record encoding, over real handshakes: one side runs
/// ours, the other keeps BouncyCastle's record layer, so every byte we encrypt is decrypted by BouncyCastle and
/// vice versa. Plus the cases the record layer now owns: a lost final flight, forged/replayed/truncated records.
/// </summary>
public sealed class DtlsManagedRecordLayerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Send_ManagedAgainstBouncyCastle_RecordsInteroperateBothWays(bool clientManaged, bool serverManaged)
    {
        using var pipe = new DtlsTestPipe(queueCapacity: 4096, clientManaged: clientManaged, serverManaged: serverManaged);
        await pipe.HandshakeAsync().WaitAsync(Patience);
        Assert.Equal(clientManaged, pipe.Client.UsesManagedRecordLayer);
        Assert.Equal(serverManaged, pipe.Server.UsesManagedRecordLayer);
        Assert.Equal(1163, pipe.Client.SendLimit);
        Assert.Equal(1163, pipe.Server.SendLimit);
        var atServer = Collect(pipe.Server);
        var atClient = Collect(pipe.Client);
        var random = new Random(11);
        var messages = new List<byte[]> { Array.Empty<byte>(), "x"u8.ToArray() };
        for (int i = 0; i < 200; i++)
        {
            var m = new byte[random.Next(1, 1164)];
            random.NextBytes(m);
            messages.Add(m);
        }

        foreach (var m in messages)
        {
            pipe.Client.Send(m);
            pipe.Server.Send(m);
        }

        foreach (var m in messages)
        {
            Assert.Equal(m, await atServer.ReadAsync().AsTask().WaitAsync(Patience));
            Assert.Equal(m, await atClient.ReadAsync().AsTask().WaitAsync(Patience));
        }

        Assert.Equal(0, pipe.Client.DroppedDatagrams);
        Assert.Equal(0, pipe.Server.DroppedDatagrams);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Close_ManagedAgainstBouncyCastle_CloseNotifyUnderstoodBothWays(bool clientManaged, bool serverManaged)
    {
        using var pipe = new DtlsTestPipe(clientManaged: clientManaged, serverManaged: serverManaged);
        await pipe.HandshakeAsync().WaitAsync(Patience);
        var serverClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipe.Server.Closed += (_, reason) => serverClosed.TrySetResult(reason);
        pipe.Client.Closed += (_, reason) => clientClosed.TrySetResult(reason);

        pipe.Server.Close();

        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await clientClosed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsCloseReason.Local, await serverClosed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsSessionState.Closed, pipe.Client.State);
    }

    [Fact]
    public async Task Handshake_ServerFinalFlightLost_ManagedServerReplaysItAndClientConnects()
    {
        // The server's ChangeCipherSpec and Finished are lost once. The server is already connected (its thread gone);
        // the client retransmits its last flight after BouncyCastle's 1 s timer, and our record layer answers it.
        var dropped = new HashSet<string>();
        using var pipe = new DtlsTestPipe(handshakeTimeout: TimeSpan.FromSeconds(15), clientManaged: false, serverManaged: true);
        pipe.DropServerToClient = d =>
        {
            bool final = d[0] == 20 || (d[0] == 22 && BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(3)) == 1);
            return final && dropped.Add(d[0] == 20 ? "ccs" : "finished");
        };

        await pipe.HandshakeAsync().WaitAsync(Patience);

        Assert.Equal(2, dropped.Count);
        Assert.True(pipe.Server.FinalFlightReplays >= 1, $"replays {pipe.Server.FinalFlightReplays}");
        Assert.True(pipe.Server.UsesManagedRecordLayer);
        var atServer = Collect(pipe.Server);
        var atClient = Collect(pipe.Client);
        pipe.Client.Send("after the replay"u8);
        pipe.Server.Send("answer"u8);
        Assert.Equal("after the replay"u8.ToArray(), await atServer.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("answer"u8.ToArray(), await atClient.ReadAsync().AsTask().WaitAsync(Patience));
    }

    [Fact]
    public async Task Handshake_AlertInTheDatagramOfThePeersFinished_ClientClosesByItAtTheSwitch()
    {
        // BouncyCastle's handshake ends at the server's Finished and leaves the rest of that datagram unread. The
        // server's close_notify rides in the same datagram: the client must still see it (before the fix it connected
        // and waited for data that never came).
        byte[]? finished = null;
        byte[]? alert = null;
        using var pipe = new DtlsTestPipe(clientManaged: true, serverManaged: true);
        pipe.DropServerToClient = d =>
        {
            int epoch = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(3));
            if (d[0] == 22 && epoch == 1 && finished is null)
            {
                finished = d;
                return true;
            }

            if (d[0] == 21 && epoch == 1 && alert is null)
            {
                alert = d;
                return true;
            }

            return false;
        };
        var clientClosed = new TaskCompletionSource<DtlsCloseReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        pipe.Client.Closed += (_, reason) => clientClosed.TrySetResult(reason);
        var clientHandshake = pipe.Client.HandshakeAsync(CancellationToken.None);
        await pipe.Server.HandshakeAsync(CancellationToken.None).WaitAsync(Patience);
        Assert.NotNull(finished); // The server is connected once its final flight is out; the client has not seen its Finished.

        pipe.Server.Close(); // close_notify, held by the pipe.
        Assert.NotNull(alert);
        pipe.Client.HandleDatagram([.. finished!, .. alert!]);

        await clientHandshake.WaitAsync(Patience);
        Assert.Equal(DtlsCloseReason.PeerCloseNotify, await clientClosed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsSessionState.Closed, pipe.Client.State);
    }

    [Fact]
    public async Task HandleDatagram_ForgedReplayedTruncated_DroppedAndCountedAndDataStillFlows()
    {
        using var pipe = new DtlsTestPipe();
        await pipe.HandshakeAsync().WaitAsync(Patience);
        var atServer = Collect(pipe.Server);
        byte[]? genuine = null;
        pipe.ClientTap = d => genuine ??= d.ToArray();
        pipe.Client.Send("once"u8);
        pipe.ClientTap = null;
        Assert.Equal("once"u8.ToArray(), await atServer.ReadAsync().AsTask().WaitAsync(Patience));

        pipe.Server.HandleDatagram(genuine!); // Replay.
        var forged = (byte[])genuine!.Clone();
        forged[10] += 100; // A sequence number not seen yet (the sequence is authenticated as AAD) ...
        pipe.Server.HandleDatagram(forged);
        forged = (byte[])genuine.Clone();
        forged[10] += 101;
        forged.AsSpan(5, 6).CopyTo(forged.AsSpan(15)); // ... with a matching explicit nonce ...
        forged[^1] ^= 0x01; // ... and a wrong tag.
        pipe.Server.HandleDatagram(forged);
        var forgedBody = (byte[])genuine.Clone();
        forgedBody[10] += 102;
        forgedBody[30] ^= 0x80;
        pipe.Server.HandleDatagram(forgedBody);
        var future = (byte[])genuine.Clone();
        future.AsSpan(5, 6).Fill(0xFF);
        pipe.Server.HandleDatagram(future); // Forged far-future sequence number: must not move the window.
        pipe.Server.HandleDatagram(genuine.AsSpan(0, genuine.Length - 5)); // Truncated: the length no longer frames.
        var shortRecord = genuine.AsSpan(0, 20).ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(shortRecord.AsSpan(11), 7); // Framed, but shorter than nonce + tag.
        pipe.Server.HandleDatagram(shortRecord);

        Assert.Equal(1, pipe.Server.ReplayedRecords);
        Assert.Equal(5, pipe.Server.ForgedRecords);
        Assert.Equal(7, pipe.Server.DroppedDatagrams);
        Assert.Equal(DtlsSessionState.Connected, pipe.Server.State);
        pipe.Client.Send("twice"u8);
        Assert.Equal("twice"u8.ToArray(), await atServer.ReadAsync().AsTask().WaitAsync(Patience));
        Assert.False(atServer.TryRead(out _));
    }

    [Fact]
    public async Task HandleDatagram_WarmedManagedReceiveAndSend_AllocatesNothing()
    {
        using var pipe = new DtlsTestPipe();
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

    [Fact]
    public void ReplayWindow_OldDuplicateAndFarBehind_Discarded()
    {
        var window = new DtlsReplayWindow();
        Assert.False(window.ShouldDiscard(0));
        window.MarkAuthenticated(5);
        window.MarkAuthenticated(3);
        Assert.True(window.ShouldDiscard(5));
        Assert.True(window.ShouldDiscard(3));
        Assert.False(window.ShouldDiscard(4)); // Reordered, not seen yet.
        Assert.False(window.ShouldDiscard(6));
        window.MarkAuthenticated(100);
        Assert.True(window.ShouldDiscard(36)); // 64 behind: outside the window.
        Assert.False(window.ShouldDiscard(37));
        Assert.True(window.ShouldDiscard(100));
    }

    private static ChannelReader<byte[]> Collect(DtlsSession session)
    {
        var channel = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        session.DataReceived += data => channel.Writer.TryWrite(data.ToArray());
        return channel.Reader;
    }
}
