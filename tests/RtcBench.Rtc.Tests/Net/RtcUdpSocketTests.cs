using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Net;

namespace RtcBench.Rtc.Tests.Net;

public sealed class RtcUdpSocketTests
{
    [Theory]
    [InlineData(0, RtcPacketKind.Stun)]
    [InlineData(3, RtcPacketKind.Stun)]
    [InlineData(4, RtcPacketKind.Other)]
    [InlineData(19, RtcPacketKind.Other)]
    [InlineData(20, RtcPacketKind.Dtls)]
    [InlineData(22, RtcPacketKind.Dtls)]
    [InlineData(63, RtcPacketKind.Dtls)]
    [InlineData(64, RtcPacketKind.TurnChannel)]
    [InlineData(79, RtcPacketKind.TurnChannel)]
    [InlineData(80, RtcPacketKind.Other)]
    [InlineData(128, RtcPacketKind.Other)]
    [InlineData(255, RtcPacketKind.Other)]
    public void Classify_FirstByte_FollowsRfc7983(int first, RtcPacketKind expected) =>
        Assert.Equal(expected, RtcDemux.Classify([(byte)first, 1, 2]));

    [Fact]
    public void Classify_Empty_IsOther() => Assert.Equal(RtcPacketKind.Other, RtcDemux.Classify([]));

    [Fact]
    public async Task ReceiveLoop_MixedDatagrams_RoutesStunAndDtlsWithClockTimestampAndCountsTheRest()
    {
        long fakeNow = 1_000;
        var handler = new RecordingHandler();
        using var socket = new RtcUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), () => Interlocked.Increment(ref fakeNow), handler);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        sender.SendTo(new byte[] { 0x00, 0x01, 0xAA }, socket.LocalEndPoint);
        sender.SendTo(new byte[] { 0x16, 0xFE, 0xFD }, socket.LocalEndPoint);
        sender.SendTo(new byte[] { 0x80, 0x00 }, socket.LocalEndPoint);
        sender.SendTo(new byte[] { 0x40 }, socket.LocalEndPoint);

        await WaitUntilAsync(() => socket.Received == 4);
        Assert.Equal(2, socket.DroppedOther);
        var seen = handler.Seen.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.Equal(("stun", (byte)0x00), (seen[0].Kind, seen[0].First));
        Assert.Equal(("dtls", (byte)0x16), (seen[1].Kind, seen[1].First));
        Assert.Equal(sender.LocalEndPoint, seen[0].From);
        Assert.True(seen[0].RxNs > 1_000 && seen[1].RxNs > seen[0].RxNs);
    }

    [Fact]
    public async Task SendTo_OtherSocket_Arrives_AndDisposeStopsTheThread()
    {
        var handler = new RecordingHandler();
        var a = new RtcUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), Stopwatch.GetTimestamp, handler);
        using var b = new RtcUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), Stopwatch.GetTimestamp, handler);
        b.SendTo([0x17, 0xFE, 0xFD, 0x00], a.LocalEndPoint);
        await WaitUntilAsync(() => a.Received == 1);
        Assert.Equal(1, b.Sent);
        a.Dispose();
        a.SendTo([0x00], b.LocalEndPoint); // A no-op after Dispose.
        Assert.Equal(0, a.SendErrors);
    }

    [Fact]
    public async Task Dispose_UnderALockTheHandlerWaitsFor_ReturnsWithoutTheHandler_ThenNothingMoreIsHandedOut()
    {
        // PeerConnection disposes its socket under its own lock, which its handler takes: Dispose must not wait for
        // the receive thread (it used to join it, and waited out the join timeout whenever a datagram was in hand).
        var gate = new Lock();
        var handler = new GatedHandler(gate);
        var socket = new RtcUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), Stopwatch.GetTimestamp, handler);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        lock (gate)
        {
            sender.SendTo(new byte[] { 0x17, 0xFE, 0xFD }, socket.LocalEndPoint);
            Assert.True(handler.Entered.Wait(TimeSpan.FromSeconds(60)), "the handler was never called (a hang guard only)");
            socket.Dispose();
            Assert.Equal(0, handler.Completed); // still waiting for the gate this thread holds
        }

        await WaitUntilAsync(() => handler.Completed == 1); // the gate released, the call under way finishes
        Assert.Equal(1, socket.Received);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task ReceivePath_SameSource_AllocatesNothingInSteadyState()
    {
        var handler = new CountingHandler();
        using var socket = new RtcUdpSocket(new IPEndPoint(IPAddress.Loopback, 0), Stopwatch.GetTimestamp, handler);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var datagram = new byte[] { 0x17, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
        for (int i = 0; i < 50; i++)
        {
            sender.SendTo(datagram, socket.LocalEndPoint);
        }

        // The receive thread counts a datagram before it handles it and samples its allocations after; once it has
        // counted the next datagram, the sample covers the one before. So one marker datagram follows each batch.
        sender.SendTo(datagram, socket.LocalEndPoint);
        await WaitUntilAsync(() => socket.Received == 51);
        long before = socket.ReceiveThreadAllocatedBytes; // Covers at least the 50 warm-up datagrams.
        for (int i = 0; i < 200; i++)
        {
            sender.SendTo(datagram, socket.LocalEndPoint);
        }

        sender.SendTo(datagram, socket.LocalEndPoint);
        await WaitUntilAsync(() => socket.Received == 252);
        Assert.Equal(before, socket.ReceiveThreadAllocatedBytes); // Covers at least the 200 after them.
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 60000)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.ElapsedMilliseconds < timeoutMs, "timed out waiting for the condition");
            await Task.Delay(5);
        }
    }

    private sealed class RecordingHandler : IRtcDatagramHandler
    {
        public ConcurrentQueue<(string Kind, byte First, IPEndPoint From, long RxNs)> Seen { get; } = new();

        public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Seen.Enqueue(("stun", datagram[0], from, receivedNs));

        public void OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Seen.Enqueue(("dtls", datagram[0], from, receivedNs));
    }

    private sealed class GatedHandler(Lock gate) : IRtcDatagramHandler
    {
        private int _calls;
        private int _completed;

        public ManualResetEventSlim Entered { get; } = new();

        public int Calls => Volatile.Read(ref _calls);

        public int Completed => Volatile.Read(ref _completed);

        public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Handle();

        public void OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Handle();

        private void Handle()
        {
            Interlocked.Increment(ref _calls);
            Entered.Set();
            lock (gate)
            {
                Interlocked.Increment(ref _completed);
            }
        }
    }

    private sealed class CountingHandler : IRtcDatagramHandler
    {
        public long Count;

        public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Count++;

        public void OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Count++;
    }
}
