using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Tests.Turn;

/// <summary>
/// <see cref="TurnClient"/> against a real coturn on loopback (<see cref="CoturnServer"/>): allocation, permission,
/// Send/Data indications, a bound channel in both directions with byte-exact checks, wrong password, deallocation.
/// </summary>
public sealed class TurnClientCoturnTests(CoturnServer server) : IClassFixture<CoturnServer>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Coturn_AllocatePermissionIndicationsThenChannel_RelaysBothWaysByteExact()
    {
        using var driver = new TurnLoopbackDriver(server.Endpoint, CoturnServer.Username, CoturnServer.Password);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndpoint = (IPEndPoint)peer.LocalEndPoint!;
        var client = driver.Client;

        client.Allocate(TurnLoopbackDriver.NowNs());
        var allocated = await driver.WaitForAsync(e => e.Kind is TurnEventKind.Allocated or TurnEventKind.AllocationFailed, Timeout);
        Assert.True(allocated.Kind == TurnEventKind.Allocated, $"{client.Error} {client.ErrorCode}\n{server.Output}");
        var relayed = client.RelayedAddress!;
        Assert.Equal(IPAddress.Loopback, relayed.Address);
        Assert.InRange(relayed.Port, server.MinRelayPort, server.MaxRelayPort);
        Assert.Equal(driver.LocalEndpoint, client.MappedAddress);
        Assert.True(client.AllocationExpiresNs > TurnLoopbackDriver.NowNs());

        client.CreatePermission(TurnLoopbackDriver.NowNs(), peerEndpoint.Address);
        var permitted = await driver.WaitForAsync(e => e.Kind is TurnEventKind.PermissionCreated or TurnEventKind.PermissionFailed, Timeout);
        Assert.Equal(TurnEventKind.PermissionCreated, permitted.Kind);

        // Client → peer through a Send indication.
        byte[] toPeer = Bytes(1, 1000);
        Assert.True(client.Send(peerEndpoint, toPeer));
        driver.Flush();
        Assert.Equal(1, driver.SendIndicationsSent);
        var (fromRelay, atPeer) = await ReceiveAsync(peer);
        Assert.Equal(relayed, fromRelay);
        Assert.Equal(toPeer, atPeer);

        // Peer → client through a Data indication.
        byte[] toClient = Bytes(2, 777);
        await peer.SendToAsync(toClient, relayed);
        var data = await driver.WaitForAsync(e => e.Kind == TurnEventKind.DataReceived, Timeout);
        Assert.Equal(peerEndpoint, data.Peer);
        Assert.Equal(0, data.Channel);
        Assert.Equal(toClient, data.Data);

        // Bind a channel; then both directions go as ChannelData.
        ushort number = client.BindChannel(TurnLoopbackDriver.NowNs(), peerEndpoint);
        var bound = await driver.WaitForAsync(e => e.Kind is TurnEventKind.ChannelBound or TurnEventKind.ChannelBindFailed, Timeout);
        Assert.Equal(TurnEventKind.ChannelBound, bound.Kind);
        Assert.Equal(number, client.GetBoundChannel(peerEndpoint));

        byte[] overChannel = Bytes(3, 1201);
        Assert.True(client.Send(peerEndpoint, overChannel));
        driver.Flush();
        Assert.Equal(1, driver.ChannelDataSent);
        (fromRelay, atPeer) = await ReceiveAsync(peer);
        Assert.Equal(relayed, fromRelay);
        Assert.Equal(overChannel, atPeer);

        byte[] backOverChannel = Bytes(4, 333); // not a multiple of 4: coturn may pad, we must strip it
        await peer.SendToAsync(backOverChannel, relayed);
        data = await driver.WaitForAsync(e => e.Kind == TurnEventKind.DataReceived, Timeout);
        Assert.Equal(number, data.Channel);
        Assert.Equal(peerEndpoint, data.Peer);
        Assert.Equal(backOverChannel, data.Data);

        Assert.Equal(0, client.Malformed);
        Assert.Equal(0, client.IntegrityFailures);
        Assert.Equal(TurnClientState.Allocated, client.State);
    }

    [Fact]
    public async Task Coturn_WrongPassword_Unauthorized()
    {
        using var driver = new TurnLoopbackDriver(server.Endpoint, CoturnServer.Username, "not-the-password");
        driver.Client.Allocate(TurnLoopbackDriver.NowNs());
        var failed = await driver.WaitForAsync(e => e.Kind is TurnEventKind.Allocated or TurnEventKind.AllocationFailed, Timeout);
        Assert.Equal(TurnEventKind.AllocationFailed, failed.Kind);
        Assert.Equal(TurnError.Unauthorized, failed.Error);
        Assert.Equal(401, failed.ErrorCode);
        Assert.Null(driver.Client.RelayedAddress);
    }

    [Fact]
    public async Task Coturn_SecondAllocateOnSameFiveTuple_AllocationMismatch()
    {
        using var driver = new TurnLoopbackDriver(server.Endpoint, CoturnServer.Username, CoturnServer.Password);
        driver.Client.Allocate(TurnLoopbackDriver.NowNs());
        Assert.Equal(TurnEventKind.Allocated, (await driver.WaitForAsync(IsAllocationOutcome, Timeout)).Kind);

        // While the allocation exists, a second Allocate on the same 5-tuple is refused (437).
        driver.Replace(new TurnClient(server.Endpoint, new TurnCredentials(CoturnServer.Username, CoturnServer.Password)));
        driver.Client.Allocate(TurnLoopbackDriver.NowNs());
        var refused = await driver.WaitForAsync(IsAllocationOutcome, Timeout);
        Assert.Equal(TurnEventKind.AllocationFailed, refused.Kind);
        Assert.Equal(TurnError.AllocationMismatch, refused.Error);
    }

    [Fact]
    public async Task Coturn_Deallocate_FreesTheAllocation()
    {
        using var driver = new TurnLoopbackDriver(server.Endpoint, CoturnServer.Username, CoturnServer.Password);
        driver.Client.Allocate(TurnLoopbackDriver.NowNs());
        Assert.Equal(TurnEventKind.Allocated, (await driver.WaitForAsync(IsAllocationOutcome, Timeout)).Kind);
        var relayed = driver.Client.RelayedAddress!;

        driver.Client.Deallocate(TurnLoopbackDriver.NowNs());
        var gone = await driver.WaitForAsync(e => e.Kind is TurnEventKind.Deallocated or TurnEventKind.AllocationFailed, Timeout);
        Assert.Equal(TurnEventKind.Deallocated, gone.Kind);
        Assert.Equal(TurnClientState.Closed, driver.Client.State);

        // coturn answers the Refresh at once and frees the relay on its next timer tick (about a second later). Probe
        // the relayed port like the readiness probe does: a datagram to it is refused (ICMP port unreachable) once the
        // relay socket is closed; each probe waits 250 ms for that answer.
        Assert.True(await RelayClosedAsync(relayed), "the relayed port stayed open after deallocation");

        // And the 5-tuple is free again: Allocate from the same socket succeeds (it is 437 while an allocation
        // exists, see Coturn_SecondAllocateOnSameFiveTuple_AllocationMismatch).
        driver.Replace(new TurnClient(server.Endpoint, new TurnCredentials(CoturnServer.Username, CoturnServer.Password)));
        driver.Client.Allocate(TurnLoopbackDriver.NowNs());
        var again = await driver.WaitForAsync(IsAllocationOutcome, Timeout);
        Assert.True(again.Kind == TurnEventKind.Allocated, $"{again.Error} {again.ErrorCode}");
    }

    private static async Task<bool> RelayClosedAsync(IPEndPoint relayed)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(relayed);
        var buffer = new byte[16];
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (stopwatch.Elapsed < Timeout)
        {
            try
            {
                await probe.SendAsync(new byte[] { 1 });
                using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
                await probe.ReceiveAsync(buffer, SocketFlags.None, attempt.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                // Still open (the relay drops it: no permission for us). Probe again.
            }
        }

        return false;
    }

    private static bool IsAllocationOutcome(TurnEvent e) =>
        e.Kind is TurnEventKind.Allocated or TurnEventKind.AllocationFailed;

    private static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 0x40; // looks like ChannelData and STUN-ish bytes inside must pass through untouched
        return bytes;
    }

    private static async Task<(IPEndPoint From, byte[] Data)> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[65_536];
        using var timeout = new CancellationTokenSource(Timeout);
        var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        return ((IPEndPoint)received.RemoteEndPoint, buffer.AsSpan(0, received.ReceivedBytes).ToArray());
    }
}
