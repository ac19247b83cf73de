using RtcBench.Rtc.Dtls;

namespace RtcBench.Rtc.Tests.Dtls;

/// <summary>
/// Two <see cref="DtlsSession"/>s wired back to back in memory. Delivery is synchronous (the sender's thread calls
/// the peer's HandleDatagram, which only enqueues). Optional seeded impairment: drop the listed datagram indices
/// per direction, and/or hold every datagram at an odd index until the next one has been delivered (swapping pairs).
/// <c>queueDelivery</c>: deliver in order on the thread pool instead, as a socket would. (The managed engine used to
/// send under its session lock, so synchronous delivery between two managed sessions that both retransmit could leave
/// each waiting for the other's lock; it now sends after releasing it, and the loss test runs both ways.)
/// </summary>
internal sealed class DtlsTestPipe : IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<int> _dropClientToServer;
    private readonly HashSet<int> _dropServerToClient;
    private readonly int _swapServerToClientBelow;
    private int _clientSent;
    private int _serverSent;
    private byte[]? _heldForServer;
    private byte[]? _heldForClient;
    private readonly bool _queueDelivery;
    private Task _toClientTail = Task.CompletedTask;
    private Task _toServerTail = Task.CompletedTask;

    internal DtlsTestPipe(
        TimeSpan? handshakeTimeout = null,
        DtlsFingerprint? clientExpects = null,
        DtlsFingerprint? serverExpects = null,
        IEnumerable<int>? dropClientToServer = null,
        IEnumerable<int>? dropServerToClient = null,
        int swapServerToClientBelow = 0,
        int queueCapacity = 512,
        bool clientManaged = true,
        bool serverManaged = true,
        IReadOnlyList<DtlsSrtpProfile>? clientSrtp = null,
        IReadOnlyList<DtlsSrtpProfile>? serverSrtp = null,
        bool clientRequiresSrtp = false,
        bool serverRequiresSrtp = false,
        DtlsEngine clientEngine = DtlsEngine.Bouncy,
        DtlsEngine serverEngine = DtlsEngine.Bouncy,
        bool queueDelivery = false)
    {
        _queueDelivery = queueDelivery;
        _dropClientToServer = [.. dropClientToServer ?? []];
        _dropServerToClient = [.. dropServerToClient ?? []];
        _swapServerToClientBelow = swapServerToClientBelow;
        ClientCertificate = DtlsCertificate.Generate();
        ServerCertificate = DtlsCertificate.Generate();
        var timeout = handshakeTimeout ?? TimeSpan.FromSeconds(10);
        Client = new DtlsSession(
            new DtlsSessionOptions
            {
                Role = DtlsRole.Client,
                Certificate = ClientCertificate,
                RemoteFingerprint = clientExpects ?? ServerCertificate.Fingerprint,
                HandshakeTimeout = timeout,
                SrtpProfiles = clientSrtp ?? [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80],
                RequireSrtp = clientRequiresSrtp,
            },
            ToServer,
            new DtlsSessionSettings { Engine = clientEngine, ReceiveQueueCapacity = queueCapacity, ManagedRecordLayer = clientManaged });
        Server = new DtlsSession(
            new DtlsSessionOptions
            {
                Role = DtlsRole.Server,
                Certificate = ServerCertificate,
                RemoteFingerprint = serverExpects ?? ClientCertificate.Fingerprint,
                HandshakeTimeout = timeout,
                SrtpProfiles = serverSrtp ?? [DtlsSrtpProfile.AeadAes128Gcm, DtlsSrtpProfile.Aes128CmHmacSha1_80],
                RequireSrtp = serverRequiresSrtp,
            },
            ToClient,
            new DtlsSessionSettings { Engine = serverEngine, ReceiveQueueCapacity = queueCapacity, ManagedRecordLayer = serverManaged });
    }

    internal DtlsCertificate ClientCertificate { get; }

    internal DtlsCertificate ServerCertificate { get; }

    internal DtlsSession Client { get; }

    internal DtlsSession Server { get; }

    /// <summary>Sees every datagram the client emits (before impairment), on the sending thread.</summary>
    internal DtlsBytesHandler? ClientTap { get; set; }

    /// <summary>Server-to-client datagrams for which this returns true are dropped (called under the pipe's lock).</summary>
    internal Func<byte[], bool>? DropServerToClient { get; set; }

    /// <summary>Replaces each server-to-client datagram before delivery (called under the pipe's lock).</summary>
    internal Func<byte[], byte[]>? RewriteServerToClient { get; set; }

    internal Task HandshakeAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(Client.HandshakeAsync(cancellationToken), Server.HandshakeAsync(cancellationToken));

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }

    private void ToServer(ReadOnlySpan<byte> datagram)
    {
        ClientTap?.Invoke(datagram);
        Deliver(datagram, Server, ref _clientSent, _dropClientToServer, 0, ref _heldForServer);
    }

    private void ToClient(ReadOnlySpan<byte> datagram) =>
        Deliver(datagram, Client, ref _serverSent, _dropServerToClient, _swapServerToClientBelow, ref _heldForClient);

    private void Deliver(ReadOnlySpan<byte> datagram, DtlsSession to, ref int counter, HashSet<int> drops, int swapBelow, ref byte[]? held)
    {
        byte[]? release = null;
        lock (_lock)
        {
            int index = counter++;
            if (drops.Contains(index))
            {
                return;
            }

            if (to == Client && DropServerToClient is { } drop && drop(datagram.ToArray()))
            {
                return;
            }

            if (to == Client && RewriteServerToClient is { } rewrite)
            {
                datagram = rewrite(datagram.ToArray());
            }

            if (index < swapBelow)
            {
                if (held is null && index % 2 == 1)
                {
                    held = datagram.ToArray();
                    return;
                }

                release = held;
                held = null;
            }
        }

        if (_queueDelivery)
        {
            Enqueue(to, datagram.ToArray(), release);
            return;
        }

        to.HandleDatagram(datagram);
        if (release is not null)
        {
            to.HandleDatagram(release);
        }
    }

    // Its own method: a lambda capturing Deliver's parameters would make every call of Deliver allocate its closure,
    // queued or not (the allocation tests measure synchronous delivery).
    private void Enqueue(DtlsSession to, byte[] copy, byte[]? release)
    {
        lock (_lock)
        {
            ref Task tail = ref to == Client ? ref _toClientTail : ref _toServerTail;
            tail = tail.ContinueWith(_ => HandleQuietly(to, copy, release), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private static void HandleQuietly(DtlsSession to, byte[] datagram, byte[]? release)
    {
        try
        {
            to.HandleDatagram(datagram);
            if (release is not null)
            {
                to.HandleDatagram(release);
            }
        }
        catch (ObjectDisposedException)
        {
            // The test ended and disposed the session while this datagram was queued.
        }
    }
}
