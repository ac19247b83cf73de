using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Stun;
using static RtcBench.Rtc.Tests.Net.RtcUdpSocketTests;

namespace RtcBench.Rtc.Tests.Net;

/// <summary>The shared socket's routing, on real loopback sockets: ufrag, claimed addresses, drops, removal.</summary>
public sealed class UdpMuxTests
{
    private static readonly byte[] Dtls = [0x17, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];

    [Fact]
    public void TryReadRequestUfrag_ReadsTheFirstPartOfUsername_OnlyForRequests()
    {
        Span<char> ufrag = stackalloc char[256];
        Assert.True(UdpMux.TryReadRequestUfrag(Request("aGnT:pEeR"), ufrag, out int n));
        Assert.Equal("aGnT", ufrag[..n].ToString());
        Assert.False(UdpMux.TryReadRequestUfrag(Request("nocolon"), ufrag, out _));
        Assert.False(UdpMux.TryReadRequestUfrag(Request(":peer"), ufrag, out _));
        Assert.False(UdpMux.TryReadRequestUfrag(Request(null), ufrag, out _));
        Assert.False(UdpMux.TryReadRequestUfrag(Message(StunMessageType.BindingSuccess, "aGnT:pEeR"), ufrag, out _));
        Assert.False(UdpMux.TryReadRequestUfrag(Request("aGnT:pEeR").AsSpan(0, 30), ufrag, out _)); // Truncated.
        Assert.False(UdpMux.TryReadRequestUfrag(Dtls, ufrag, out _));
    }

    [Fact]
    public async Task StunRequest_GoesToTheSessionOfItsUfrag_WithTheSenderAndTheReceiveTime()
    {
        long now = 1_000;
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), () => Interlocked.Increment(ref now));
        var a = new Recorder();
        var b = new Recorder();
        Assert.True(mux.TryRegister("aaaa", a, out var sa));
        Assert.True(mux.TryRegister("bbbb", b, out var sb));
        Assert.False(mux.TryRegister("bbbb", new Recorder(), out _)); // A ufrag belongs to one session.
        using var peer = Client();

        peer.SendTo(Request("bbbb:peer"), mux.LocalEndPoint);
        peer.SendTo(Request("aaaa:peer"), mux.LocalEndPoint);
        await WaitUntilAsync(() => a.Seen.Count == 1 && b.Seen.Count == 1);

        var got = Assert.Single(b.Seen);
        Assert.Equal(("stun", peer.LocalEndPoint), (got.Kind, (EndPoint)got.From));
        Assert.True(got.RxNs > 1_000 && got.RxNs < a.Seen.Single().RxNs);
        Assert.Equal((1, 1), (sa.Received, sb.Received));
        Assert.Equal(2, mux.Sessions);
        Assert.Equal(0, mux.Routes); // A request routed by ufrag claims nothing.
    }

    [Fact]
    public async Task UnknownUfragOrSource_IsDroppedAndCounted_UntilTheSessionClaimsTheSource()
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerRtcClock);
        var a = new Recorder();
        Assert.True(mux.TryRegister("aaaa", a, out var session));
        using var peer = Client();

        peer.SendTo(Request("zzzz:peer"), mux.LocalEndPoint); // Nobody's ufrag.
        peer.SendTo(Dtls, mux.LocalEndPoint);                 // Nobody's source yet.
        peer.SendTo(Message(StunMessageType.BindingSuccess, null), mux.LocalEndPoint);
        peer.SendTo(new byte[] { 0x40, 0, 0, 0 }, mux.LocalEndPoint); // ChannelData: no TURN on a shared socket.
        peer.SendTo(new byte[] { 0x80, 0 }, mux.LocalEndPoint);       // RTP: no session protocol.
        await WaitUntilAsync(() => mux.Received == 5);
        Assert.Equal(3, mux.DroppedUnknown);
        Assert.Equal(2, mux.DroppedOther);
        Assert.Empty(a.Seen);

        session.Claim((IPEndPoint)peer.LocalEndPoint!);
        Assert.Equal(1, mux.Routes);
        peer.SendTo(Dtls, mux.LocalEndPoint);
        peer.SendTo(Message(StunMessageType.BindingSuccess, null), mux.LocalEndPoint); // A response: by address.
        await WaitUntilAsync(() => a.Seen.Count == 2);
        Assert.Equal(["dtls", "stun"], a.Seen.Select(s => s.Kind));
        Assert.Equal(3, mux.DroppedUnknown);
    }

    [Fact]
    public async Task Claim_TheLatestWins_AndSessionsNeverSeeEachOthersDatagrams()
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerRtcClock);
        var a = new Recorder();
        var b = new Recorder();
        Assert.True(mux.TryRegister("aaaa", a, out var sa));
        Assert.True(mux.TryRegister("bbbb", b, out var sb));
        using var peerA = Client();
        using var peerB = Client();
        sa.Claim((IPEndPoint)peerA.LocalEndPoint!);
        sb.Claim((IPEndPoint)peerB.LocalEndPoint!);
        sa.Claim((IPEndPoint)peerA.LocalEndPoint!); // Again: nothing changes.
        Assert.Equal(2, mux.Routes);

        for (int i = 0; i < 20; i++)
        {
            peerA.SendTo(Dtls, mux.LocalEndPoint);
            peerB.SendTo(new byte[] { 0x16, 0xFE, 0xFD }, mux.LocalEndPoint);
        }

        await WaitUntilAsync(() => a.Seen.Count == 20 && b.Seen.Count == 20);
        Assert.All(a.Seen, s => Assert.Equal(peerA.LocalEndPoint, s.From));
        Assert.All(b.Seen, s => Assert.Equal(peerB.LocalEndPoint, s.From));
        Assert.All(b.Seen, s => Assert.Equal(0x16, s.First));

        // peerB's address moves to session a (a successful check from it there): b no longer gets it.
        sa.Claim((IPEndPoint)peerB.LocalEndPoint!);
        Assert.Empty(sb.Remotes);
        Assert.Equal(2, sa.Remotes.Count);
        peerB.SendTo(Dtls, mux.LocalEndPoint);
        await WaitUntilAsync(() => a.Seen.Count == 21);
        Assert.Equal(20, b.Seen.Count);
    }

    [Fact]
    public async Task Dispose_Session_FreesItsUfragAndRoutes_LaterDatagramsCountAsUnknown()
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerRtcClock);
        var a = new Recorder();
        Assert.True(mux.TryRegister("aaaa", a, out var session));
        using var peer = Client();
        session.Claim((IPEndPoint)peer.LocalEndPoint!);
        Assert.Equal((1, 1), (mux.Sessions, mux.Routes));

        session.Dispose();
        session.Dispose(); // Idempotent.
        Assert.Equal((0, 0), (mux.Sessions, mux.Routes));
        session.Claim((IPEndPoint)peer.LocalEndPoint!); // A removed session claims nothing.
        Assert.Equal(0, mux.Routes);
        peer.SendTo(Dtls, mux.LocalEndPoint);
        peer.SendTo(Request("aaaa:peer"), mux.LocalEndPoint);
        await WaitUntilAsync(() => mux.DroppedUnknown == 2);
        Assert.Empty(a.Seen);

        var again = new Recorder();
        Assert.True(mux.TryRegister("aaaa", again, out _)); // The ufrag is free again.
        peer.SendTo(Request("aaaa:peer"), mux.LocalEndPoint);
        await WaitUntilAsync(() => again.Seen.Count == 1);
    }

    [Fact]
    public async Task SendTo_LeavesFromTheSharedPort_AndCounts()
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerRtcClock);
        Assert.True(mux.TryRegister("aaaa", new Recorder(), out var a));
        Assert.True(mux.TryRegister("bbbb", new Recorder(), out var b));
        using var peer = Client();
        var to = (IPEndPoint)peer.LocalEndPoint!;
        a.Claim(to);
        a.SendTo([1, 2, 3], to);  // Through the claimed route.
        b.SendTo([4, 5], to);     // Unclaimed: serialised once.
        var buffer = new byte[16];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        Assert.Equal(3, peer.ReceiveFrom(buffer, ref from));
        Assert.Equal(mux.LocalEndPoint, from);
        Assert.Equal(2, peer.ReceiveFrom(buffer, ref from));
        Assert.Equal(mux.LocalEndPoint, from);
        Assert.Equal((1, 1, 2), (a.Sent, b.Sent, mux.Sent));
        Assert.Equal(mux.LocalEndPoint, a.LocalEndPoint);

        mux.Dispose();
        a.SendTo([1], to); // A no-op once the socket is gone: not an error.
        Assert.Equal((1, 0), (a.Sent, a.SendErrors));
        Assert.Throws<ObjectDisposedException>(() => mux.TryRegister("cccc", new Recorder(), out _));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ReusePortThreads_OnePort_EveryPeerReachesItsSessionInOrder()
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerRtcClock, receiveThreads: 4);
        Assert.Equal(OperatingSystem.IsLinux() ? 4 : 1, mux.ReceiveThreads);
        var recorders = new Recorder[8];
        var peers = new Socket[8];
        try
        {
            for (int i = 0; i < 8; i++)
            {
                recorders[i] = new Recorder();
                Assert.True(mux.TryRegister($"ufr{i}", recorders[i], out var session));
                peers[i] = Client();
                session.Claim((IPEndPoint)peers[i].LocalEndPoint!);
            }

            for (int n = 0; n < 100; n++)
            {
                for (int i = 0; i < 8; i++)
                {
                    peers[i].SendTo(new byte[] { 0x17, 0xFE, 0xFD, (byte)i, (byte)n }, mux.LocalEndPoint); // To the one shared port.
                }
            }

            await WaitUntilAsync(() => recorders.All(r => r.Seen.Count == 100));
            for (int i = 0; i < 8; i++)
            {
                Assert.All(recorders[i].Seen, s => Assert.Equal(peers[i].LocalEndPoint, s.From));
                Assert.Equal(Enumerable.Range(0, 100).Select(n => (byte)n), recorders[i].Last); // One peer stays on one thread: in order.
            }

            Assert.Equal(0, mux.DroppedUnknown);
        }
        finally
        {
            foreach (var p in peers)
            {
                p?.Dispose();
            }
        }
    }

    [Fact]
    public async Task ReceivePath_ManySourcesAndSessions_AllocatesNothingInSteadyState()
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerRtcClock);
        var handlers = new Counter[4];
        var peers = new Socket[4];
        var requests = new byte[4][];
        for (int i = 0; i < 4; i++)
        {
            handlers[i] = new Counter();
            Assert.True(mux.TryRegister($"ufr{i}", handlers[i], out var session));
            peers[i] = Client();
            session.Claim((IPEndPoint)peers[i].LocalEndPoint!);
            requests[i] = Request($"ufr{i}:peer");
        }

        try
        {
            long Total() => handlers.Sum(h => Interlocked.Read(ref h.Count));
            async Task<long> RoundAsync(int rounds, long expected)
            {
                for (int r = 0; r < rounds; r++)
                {
                    for (int i = 0; i < 4; i++)
                    {
                        peers[i].SendTo(Dtls, mux.LocalEndPoint);          // By address.
                        peers[i].SendTo(requests[i], mux.LocalEndPoint);   // By ufrag, from a claimed address.
                    }
                }

                await WaitUntilAsync(() => Total() == expected);
                // The sample is written after each datagram's handler: one more datagram makes it cover all of these.
                peers[0].SendTo(Dtls, mux.LocalEndPoint);
                await WaitUntilAsync(() => Total() == expected + 1);
                return mux.ReceiveThreadAllocatedBytes;
            }

            await RoundAsync(20, 160);
            long before = await RoundAsync(1, 169);
            long after = await RoundAsync(50, 570);
            Assert.Equal(before, after);
        }
        finally
        {
            foreach (var p in peers)
            {
                p.Dispose();
            }
        }
    }

    [Fact]
    public async Task Dispose_WakesReceiveThreadsBlockedInTheirCall()
    {
        var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerRtcClock, receiveThreads: 2);
        using var peer = Client();
        Assert.True(mux.TryRegister("aaaa", new Recorder(), out _));
        peer.SendTo(Request("aaaa:peer"), mux.LocalEndPoint);
        await WaitUntilAsync(() => mux.Received == 1); // a thread has been round its loop once and is back in the call
        mux.Dispose(); // joins each thread for at most 5 s: a thread still blocked would be alive after it
        Assert.True(mux.ReceiveThreadsEnded);
    }

    private static long PeerRtcClock() => RtcBench.Rtc.Peer.PeerConnectionOptions.DefaultClock();

    private static Socket Client()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static byte[] Request(string? username) => Message(StunMessageType.BindingRequest, username);

    private static byte[] Message(StunMessageType type, string? username)
    {
        var buffer = new byte[256];
        var w = new StunMessageWriter(buffer, type, StunTransactionId.New());
        w.AddPriority(12345); // USERNAME need not come first.
        if (username is not null)
        {
            w.AddUsername(username);
        }

        return w.Written.ToArray();
    }

    private sealed class Recorder : IRtcDatagramHandler
    {
        public ConcurrentQueue<(string Kind, byte First, IPEndPoint From, long RxNs)> Seen { get; } = new();

        /// <summary>Each datagram's last byte, in the order the handler got them.</summary>
        public ConcurrentQueue<byte> Last { get; } = new();

        public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Seen.Enqueue(("stun", datagram[0], from, receivedNs));

        public void OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
        {
            Last.Enqueue(datagram[^1]);
            Seen.Enqueue(("dtls", datagram[0], from, receivedNs));
        }
    }

    private sealed class Counter : IRtcDatagramHandler
    {
        public long Count;

        public void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Interlocked.Increment(ref Count);

        public void OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Interlocked.Increment(ref Count);
    }
}
