using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Rtc.Dtls;
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
/// </summary>
internal sealed class DirectEchoPlatform(IPAddress listenAddress, DtlsRole dtlsRole, DirectSocketMode socketMode, MonoTime clock, ILogger logger)
    : IEchoPlatform, IAsyncDisposable
{
    public const string PlatformName = "direct";

    private readonly ConcurrentDictionary<Guid, DirectEchoRoom> _rooms = new();
    private readonly Dictionary<IPAddress, UdpMux> _sharedSockets = [];
    private readonly ConcurrentDictionary<Task, byte> _closing = new();
    private bool _disposed;

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

    /// <summary>One room's echo: at most one peer, a pong buffer used only on that peer's event loop.</summary>
    private sealed class DirectEchoRoom(string token, long expiresAtNs, MonoTime clock)
    {
        private readonly byte[] _pong = new byte[PingCodec.MaxPayloadBytes + 1024];
        private readonly double _wallAnchorUs = clock.WallAnchorUs();
        private readonly EchoTally _tally = new();
        private PeerConnection? _peer;
        private int _closed;

        /// <summary>Constant-time comparison of a presented token with the room's.</summary>
        public bool TokenMatches(string? presented) =>
            presented is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.ASCII.GetBytes(token));

        public PlatformRoomActivity Activity => _tally.Activity;

        public bool TryAttach(PeerConnection peer)
        {
            if (Interlocked.CompareExchange(ref _peer, peer, null) is not null || Volatile.Read(ref _closed) != 0)
            {
                return false;
            }

            peer.DataChannelOpened += channel => channel.OnMessage = Echo;
            return true;
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

        /// <summary>On the peer's event loop: parse the ping, write the pong into the room's buffer, send it back.</summary>
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
