using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Rtc;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Agent.Platforms;

/// <summary>
/// The <c>direct</c> platform: a WebRTC data-channel echo. A room gets a token; the runner POSTs its SDP offer to
/// <c>/direct/{room_id}/offer</c> (see Http/DirectSignalEndpoints) and we answer as ICE-lite on the agent's address,
/// as DTLS server (<c>a=setup:passive</c>) or, with <c>dtlsRole</c> Client, as DTLS client (<c>a=setup:active</c>).
/// Every session is served from one UDP port per local address (<see cref="DirectSocketMode.Shared"/>, Rtc/Net/UdpMux:
/// demultiplexed by ICE ufrag and remote address, a receive thread per core), or from a socket of its own
/// (<see cref="DirectSocketMode.PerSession"/>). Every ping that arrives on a channel is answered on that same channel
/// with a pong (PingCodec: rx = the socket receive time of the datagram that completed the ping, tx = just before
/// sending). The peer is closed when the room ends; the shared sockets when the platform is disposed.
/// A session runs on <see cref="PeerConnection"/> (<see cref="DirectEngine.Peer"/>), or, on the shared socket, on
/// <see cref="RtcCore"/> (<see cref="DirectEngine.Core"/>: Rtc/Net/RtcCoreMuxHost, the ping answered on the mux receive
/// thread that received it).
/// </summary>
internal sealed class DirectEchoPlatform(IPAddress listenAddress, DtlsRole dtlsRole, DirectSocketMode socketMode, MonoTime clock, ILogger logger,
    DirectEngine engine = DirectEngine.Peer)
    : IEchoPlatform, IAsyncDisposable
{
    public const string PlatformName = "direct";

    private readonly ConcurrentDictionary<Guid, DirectEchoRoom> _rooms = new();
    private readonly Dictionary<IPAddress, UdpMux> _sharedSockets = [];
    private readonly ConcurrentDictionary<Task, byte> _closing = new();
    private bool _disposed;
    private long _coreSessions;

    /// <summary>Sessions answered on <see cref="DirectEngine.Core"/> so far (tests).</summary>
    internal long CoreSessions => Interlocked.Read(ref _coreSessions);

    /// <summary>The shared sockets open now (one per local address sessions were answered on).</summary>
    public IReadOnlyList<UdpMux> SharedSockets
    {
        get
        {
            lock (_sharedSockets)
            {
                return [.. _sharedSockets.Values];
            }
        }
    }

    public string Name => PlatformName;

    public bool Enabled => true;

    public Task<object> CreateRoomAsync(RoomContext context, CancellationToken cancellationToken)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _rooms[context.RoomId] = new DirectEchoRoom(token, context.ExpiresAtNs, clock);
        return Task.FromResult<object>(new DirectRoomCredentials($"/direct/{context.RoomId:N}/offer", token));
    }

    public void CloseRoom(Guid roomId)
    {
        if (_rooms.TryRemove(roomId, out var room))
        {
            Track(room.Close());
        }
    }

    /// <summary>Once every room is closed (the agent stops): waits for the peers to say goodbye, then closes the shared sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var roomId in _rooms.Keys)
        {
            CloseRoom(roomId);
        }

        await Task.WhenAll(_closing.Keys).ConfigureAwait(false);
        lock (_sharedSockets)
        {
            _disposed = true;
            foreach (var mux in _sharedSockets.Values)
            {
                mux.Dispose();
            }

            _sharedSockets.Clear();
        }
    }

    private void Track(Task closing)
    {
        if (closing.IsCompleted)
        {
            return;
        }

        _closing.TryAdd(closing, 0);
        closing.ContinueWith(t => _closing.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The shared socket on <paramref name="local"/>, bound (any free port) the first time a session needs it.</summary>
    private UdpMux? SharedSocket(IPAddress local)
    {
        if (socketMode != DirectSocketMode.Shared)
        {
            return null;
        }

        lock (_sharedSockets)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sharedSockets.TryGetValue(local, out var mux))
            {
                // Receive threads in proportion to cores, not sessions (SO_REUSEPORT spreads peers over them).
                mux = new UdpMux(new IPEndPoint(local, 0), clock.NowNs, "direct-mux-receive", Math.Clamp(Environment.ProcessorCount, 1, 16));
                _sharedSockets[local] = mux;
            }

            return mux;
        }
    }

    public PlatformRoomActivity GetActivity(Guid roomId) =>
        _rooms.TryGetValue(roomId, out var room) ? room.Activity : default;

    /// <summary>
    /// Whether <paramref name="bearerToken"/> is the token of an open room: <see cref="DirectOfferStatus.Answered"/>
    /// when it is (the offer may be read), else <see cref="DirectOfferStatus.UnknownRoom"/> or
    /// <see cref="DirectOfferStatus.BadToken"/>. Decided from the request's headers, before its body.
    /// </summary>
    public DirectOfferStatus Authorize(Guid roomId, string? bearerToken)
    {
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            return DirectOfferStatus.UnknownRoom;
        }

        return room.TokenMatches(bearerToken) ? DirectOfferStatus.Answered : DirectOfferStatus.BadToken;
    }

    /// <summary>
    /// Answers a runner's offer for <paramref name="roomId"/>. <paramref name="reachedAt"/> is the address the HTTP
    /// request came in on: our host candidate when the agent listens on every address.
    /// </summary>
    public DirectOfferResult AcceptOffer(Guid roomId, string? bearerToken, string offerSdp, IPAddress? reachedAt)
    {
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            return new DirectOfferResult(DirectOfferStatus.UnknownRoom);
        }

        if (!room.TokenMatches(bearerToken))
        {
            return new DirectOfferResult(DirectOfferStatus.BadToken);
        }

        var local = listenAddress;
        if (local.Equals(IPAddress.Any) || local.Equals(IPAddress.IPv6Any))
        {
            local = reachedAt is { IsIPv4MappedToIPv6: true } ? reachedAt.MapToIPv4() : reachedAt ?? IPAddress.Loopback;
        }

        if (engine == DirectEngine.Core && socketMode == DirectSocketMode.Shared)
        {
            return AcceptOfferOnCore(roomId, room, offerSdp, local);
        }

        PeerConnection peer;
        try
        {
            peer = PeerConnection.AcceptOffer(offerSdp, new PeerConnectionOptions
            {
                LocalAddress = local,
                SharedSocket = SharedSocket(local),
                AnswerSetup = dtlsRole == DtlsRole.Client ? SdpSetup.Active : SdpSetup.Passive,
                Clock = clock.NowNs,
                TimeProvider = clock.Provider,
                Logger = logger,
                // The echo answers pings only, and no ping is longer than this: advertise it (a=max-message-size), so a
                // peer learns the limit before it sends, instead of 256 KiB of which all above 16,640 B went unanswered.
                MaxMessageSize = PingCodec.MaxMessageBytes,
            });
        }
        catch (FormatException ex)
        {
            return new DirectOfferResult(DirectOfferStatus.BadOffer, Error: ex.Message);
        }
        catch (ObjectDisposedException)
        {
            return new DirectOfferResult(DirectOfferStatus.UnknownRoom); // The agent is stopping: its rooms are closed.
        }

        if (!room.TryAttach(peer))
        {
            Track(peer.DisposeAsync().AsTask());
            return new DirectOfferResult(DirectOfferStatus.AlreadyConnected);
        }

        if (!_rooms.ContainsKey(roomId))
        {
            Track(room.Close()); // Closed while we were answering.
            return new DirectOfferResult(DirectOfferStatus.UnknownRoom);
        }

        peer.WhenEnded.ContinueWith(
            t => DirectEchoLog.PeerEnded(logger, roomId.ToString("N"), t.Result.ToString()),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new DirectOfferResult(DirectOfferStatus.Answered, peer.LocalDescription);
    }

    /// <summary>
    /// <see cref="DirectEngine.Core"/>: the offer described as PeerConnection.AcceptOffer does (same checks, same answer:
    /// ICE-lite, our setup unless the offer took it, one host candidate on the shared socket), an <see cref="RtcCore"/>
    /// behind an <see cref="RtcCoreMuxHost"/> on that socket, the room's echo as its event handler.
    /// </summary>
    private DirectOfferResult AcceptOfferOnCore(Guid roomId, DirectEchoRoom room, string offerSdp, IPAddress local)
    {
        if (!SdpParser.TryParse(offerSdp, SdpType.Offer, out var offer, out string error))
        {
            return new DirectOfferResult(DirectOfferStatus.BadOffer, Error: "Invalid SDP offer: " + error);
        }

        if (!DataChannelSdp.TryDescribe(offer!, out var remote, out error))
        {
            return new DirectOfferResult(DirectOfferStatus.BadOffer, Error: "Unusable SDP offer: " + error);
        }

        if (!DtlsFingerprint.TryParse(remote!.Fingerprint.ToString(), out var fingerprint))
        {
            return new DirectOfferResult(DirectOfferStatus.BadOffer, Error: $"The offer has no sha-256 fingerprint (got '{remote.Fingerprint}').");
        }

        var setup = dtlsRole == DtlsRole.Client ? SdpSetup.Active : SdpSetup.Passive;
        if (remote.Setup == setup)
        {
            setup = setup == SdpSetup.Passive ? SdpSetup.Active : SdpSetup.Passive;
        }

        UdpMux mux;
        try
        {
            mux = SharedSocket(local)!;
        }
        catch (ObjectDisposedException)
        {
            return new DirectOfferResult(DirectOfferStatus.UnknownRoom); // The agent is stopping: its rooms are closed.
        }

        var certificate = DtlsCertificate.Generate(clock.Provider);
        var localIce = IceCredentials.Generate();
        var candidate = new IceCandidateLine("1", 1, "udp", IcePriority.Compute(IcePriority.HostTypePreference, IcePriority.DefaultLocalPreference, 1),
            mux.LocalEndPoint.Address.ToString(), mux.LocalEndPoint.Port, IceCandidateType.Host);
        var sdpOptions = new DataChannelSdpOptions(localIce.Ufrag, localIce.Password,
            new SdpFingerprint(SdpFingerprint.Sha256, certificate.Fingerprint.ToString().Split(' ')[1]))
        {
            Candidates = new EquatableArray<IceCandidateLine>([candidate]),
            IceLite = true,
            IceTrickle = false,
            Setup = setup,
            Mid = remote.Mid ?? "0",
            MaxMessageSize = (ulong)PingCodec.MaxMessageBytes, // as on the PeerConnection path: no ping is longer
        };
        if (!DataChannelSdp.TryCreateAnswer(offer!, sdpOptions, out var answer, out error))
        {
            return new DirectOfferResult(DirectOfferStatus.BadOffer, Error: "Cannot answer the offer: " + error);
        }

        var options = new RtcCoreOptions
        {
            LocalEndpoint = mux.LocalEndPoint,
            LocalIce = localIce,
            RemoteIce = new IceCredentials(remote.IceUfrag, remote.IcePwd),
            IceMode = RtcIceMode.Lite,
            IceTimeoutNs = 10 * RtcTime.NsPerSecond, // PeerConnectionOptions' defaults, phase by phase
            DtlsRole = setup == SdpSetup.Active ? DtlsRole.Client : DtlsRole.Server,
            Certificate = certificate,
            RemoteFingerprint = fingerprint!,
            RemoteSctpPort = (ushort)remote.SctpPort,
            RemoteMaxMessageSize = remote.MaxMessageSize is 0 or > 16 * 1024 * 1024 ? 16 * 1024 * 1024 : (int)remote.MaxMessageSize,
        };
        RtcCoreMuxHost host;
        try
        {
            host = new RtcCoreMuxHost(mux, options, clock.NowNs, clock.Provider, room.EchoOnCore);
        }
        catch (InvalidOperationException)
        {
            // The mux was disposed (the agent is stopping), or 48 random bits of ufrag were taken (never in practice).
            return new DirectOfferResult(DirectOfferStatus.UnknownRoom);
        }

        Interlocked.Increment(ref _coreSessions);
        var session = new DirectCoreSession(host, clock.Provider);
        if (!room.TryAttach(session))
        {
            Track(session.DisposeAsync().AsTask());
            return new DirectOfferResult(DirectOfferStatus.AlreadyConnected);
        }

        if (!_rooms.ContainsKey(roomId))
        {
            Track(room.Close()); // Closed while we were answering.
            return new DirectOfferResult(DirectOfferStatus.UnknownRoom);
        }

        host.WhenEnded.ContinueWith(
            t => DirectEchoLog.PeerEnded(logger, roomId.ToString("N"),
                t.Result.Kind == RtcOutputKind.Closed ? "closed: " + t.Result.CloseReason : "failed: " + t.Result.Failure),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new DirectOfferResult(DirectOfferStatus.Answered, SdpWriter.Write(answer!));
    }

    /// <summary>A core session as the room holds it: closing says goodbye (SCTP SHUTDOWN, close_notify), then frees it.</summary>
    private sealed class DirectCoreSession(RtcCoreMuxHost host, TimeProvider time) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            host.Close();
            // As PeerConnection.DisposeAsync: wait for the goodbye, at most 5 s (a peer that is gone never answers).
            await Task.WhenAny(host.WhenEnded, Task.Delay(TimeSpan.FromSeconds(5), time)).ConfigureAwait(false);
            host.Dispose();
        }
    }

    /// <summary>One room's echo: at most one peer, a pong buffer used only under that peer's lock (its receive thread).</summary>
    private sealed class DirectEchoRoom(string token, long expiresAtNs, MonoTime clock)
    {
        private readonly byte[] _pong = new byte[PingCodec.MaxPayloadBytes + 1024];
        private readonly double _wallAnchorUs = clock.WallAnchorUs();
        private readonly EchoTally _tally = new();
        private IAsyncDisposable? _peer;
        private int _closed;

        /// <summary>Constant-time comparison of a presented token with the room's.</summary>
        public bool TokenMatches(string? presented) =>
            presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.ASCII.GetBytes(token));

        public PlatformRoomActivity Activity => _tally.Activity;

        public bool TryAttach(PeerConnection peer)
        {
            if (!TryAttach((IAsyncDisposable)peer))
            {
                return false;
            }

            peer.DataChannelOpened += channel => channel.OnMessage = Echo;
            return true;
        }

        /// <summary>Attaches a session (a PeerConnection, or a core session whose handler is <see cref="EchoOnCore"/>).</summary>
        public bool TryAttach(IAsyncDisposable peer) =>
            Interlocked.CompareExchange(ref _peer, peer, null) is null && Volatile.Read(ref _closed) == 0;

        /// <summary>
        /// <see cref="DirectEngine.Core"/>: the core's event handler, on the mux receive thread that received the ping
        /// (under the host's lock): parse the ping, write the pong into the room's buffer, send it on the same channel.
        /// </summary>
        public void EchoOnCore(RtcCoreMuxHost host, in RtcOutput output)
        {
            if (output.Kind != RtcOutputKind.Message)
            {
                return;
            }

            long receivedNs = output.ReceivedNs;
            if (receivedNs >= expiresAtNs || !PingCodec.TryReadPing(output.Data.Span, out var ping))
            {
                _tally.Drop();
                return;
            }

            int n = PingCodec.WritePong(_pong, ping, receivedNs, clock.NowNs(), _wallAnchorUs);
            _tally.Answering(receivedNs);
            if (!host.Send(output.Channel, _pong.AsSpan(0, n), output.IsText))
            {
                _tally.NotSent();
            }
        }

        /// <summary>Closes the peer (once); the task ends when it has said goodbye and released its socket.</summary>
        public Task Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0 && Interlocked.Exchange(ref _peer, null) is { } peer)
            {
                return peer.DisposeAsync().AsTask();
            }

            return Task.CompletedTask;
        }

        /// <summary>On the peer's receive thread, under its lock: parse the ping, write the pong into the room's buffer, send it back.</summary>
        private void Echo(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs)
        {
            if (receivedNs >= expiresAtNs || !PingCodec.TryReadPing(message, out var ping))
            {
                _tally.Drop();
                return;
            }

            int n = PingCodec.WritePong(_pong, ping, receivedNs, clock.NowNs(), _wallAnchorUs);
            _tally.Answering(receivedNs);
            bool sent = isText ? channel.SendText(_pong.AsSpan(0, n)) : channel.Send(_pong.AsSpan(0, n));
            if (!sent)
            {
                _tally.NotSent();
            }
        }
    }
}
