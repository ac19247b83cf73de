using System.Globalization;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.VideoRoom;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Janus.Participants;

/// <summary>
/// A data-only VideoRoom participant on our stack (the janus platform's <c>sfu</c> path): it publishes one reliable
/// data channel (we offer, Janus answers) and can subscribe to another publisher's feed (Janus offers, we answer as
/// DTLS client). What it sends goes to every subscriber of its feed; what the feed it subscribed to sends arrives at
/// <see cref="IJanusDataReceiver"/>. Janus relays towards a subscriber on a channel it opens itself, labelled with the
/// publisher's id, reliable and ordered whatever the publisher used — so this path has no lossy variant — and only
/// once the subscriber's association has carried data: the subscriber first opens a channel of its own (as janus.js
/// does). What a publisher sends before that is dropped by Janus; a readiness probe covers it.
/// </summary>
public sealed class VideoRoomDataParticipant : IAsyncDisposable
{
    private readonly JanusClient _client;
    private readonly JanusSession _session;
    private readonly JanusHandle _publisher;
    private readonly PeerConnection _publisherPeer;
    private readonly DataChannel _send;
    private readonly IJanusDataReceiver _receiver;
    private readonly JanusParticipantOptions _options;
    private readonly Dictionary<long, string?> _publishers = [];
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _pin;
    private JanusHandle? _subscriber;
    private PeerConnection? _subscriberPeer;
    private int _disposed;

    private VideoRoomDataParticipant(JanusClient client, JanusSession session, JanusHandle publisher, PeerConnection pc, DataChannel send,
        VideoRoomJoined joined, string? pin, IJanusDataReceiver receiver, JanusParticipantOptions options)
    {
        _pin = pin;
        _client = client;
        _session = session;
        _publisher = publisher;
        _publisherPeer = pc;
        _send = send;
        _receiver = receiver;
        _options = options;
        Room = joined.Room;
        FeedId = joined.Id;
        PrivateId = joined.PrivateId;
        foreach (var p in joined.Publishers)
        {
            _publishers[p.Id] = p.Display;
        }

        Watch(session.WhenEnded.ContinueWith(t => $"the Janus session ended ({t.Result})", TaskScheduler.Default));
        Watch(publisher.WhenHungUp.ContinueWith(t => $"Janus hung up the publisher connection ({t.Result.Reason})", TaskScheduler.Default));
        Watch(pc.WhenEnded.ContinueWith(t => $"the publisher connection ended ({t.Result})", TaskScheduler.Default));
    }

    public long Room { get; }

    /// <summary>Our feed (publisher) id in the room.</summary>
    public long FeedId { get; }

    public long? PrivateId { get; }

    /// <summary>The connection we publish on.</summary>
    public PeerConnection Publisher => _publisherPeer;

    /// <summary>The connection we receive the subscribed feed on, once subscribed.</summary>
    public PeerConnection? Subscriber => _subscriberPeer;

    /// <summary>The channel Janus relays the subscribed feed on, once it has opened it (on its first message).</summary>
    public DataChannel? RelayChannel { get; private set; }

    public JanusSession Session => _session;

    /// <summary>Completes once, with why the participant can no longer send or receive.</summary>
    public Task<string> WhenEnded => _ended.Task;

    /// <summary>Joins room <paramref name="room"/> as publisher <paramref name="display"/> and publishes a reliable data channel.</summary>
    public static async Task<VideoRoomDataParticipant> JoinAsync(JanusParticipantOptions options, long room, string display, string? pin, IJanusDataReceiver receiver, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.JoinTimeout);
        var client = await JanusClient.ConnectAsync(options.Client, timeout.Token).ConfigureAwait(false);
        PeerConnection? pc = null;
        try
        {
            var local = await PeerSetup.LocalAddressAsync(options, timeout.Token).ConfigureAwait(false);
            var session = await client.CreateSessionAsync(timeout.Token).ConfigureAwait(false);
            var publisher = await session.AttachAsync(JanusPlugins.VideoRoom, ct: timeout.Token).ConfigureAwait(false);
            var reply = await publisher.SendAsync(new VideoRoomJoinPublisher { Room = room, Display = display, Pin = pin }, ct: timeout.Token).ConfigureAwait(false);
            if (!VideoRoomJoined.TryRead(reply, out var joined))
            {
                throw new JanusProtocolException($"the VideoRoom answered 'join' with '{reply.GetString("videoroom")}', not 'joined'.");
            }

            pc = PeerConnection.CreateOfferer(PeerSetup.PeerOptions(options, local));
            var send = pc.CreateDataChannel("rtcbench");
            var configured = await publisher.SendAsync(new VideoRoomPublish { Display = display }, JanusJsep.Offer(pc.CreateOffer()), timeout.Token).ConfigureAwait(false);
            if (configured.Jsep is not { IsAnswer: true } answer)
            {
                throw new JanusProtocolException("the VideoRoom answered 'publish' without a JSEP answer.");
            }

            pc.SetRemoteAnswer(answer.Sdp);
            await PeerSetup.ConnectedAsync(pc, publisher, "publisher", timeout.Token).ConfigureAwait(false);
            await PeerSetup.OpenAsync(send, "publisher", timeout.Token).ConfigureAwait(false);
            return new VideoRoomDataParticipant(client, session, publisher, pc, send, joined!, pin, receiver, options);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await Abandon(client, pc).ConfigureAwait(false);
            throw new JanusTimeoutException($"joining VideoRoom room {room} did not finish within {options.JoinTimeout.TotalSeconds:0} s.");
        }
        catch
        {
            await Abandon(client, pc).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until a publisher called <paramref name="display"/> is in the room and returns its feed id.</summary>
    public async Task<long> WaitForPublisherAsync(string display, CancellationToken ct)
    {
        while (true)
        {
            foreach (var (id, name) in _publishers)
            {
                if (name == display)
                {
                    return id;
                }
            }

            var e = await _publisher.NextPluginEventAsync(ct).ConfigureAwait(false);
            if (e.PluginData is { } data)
            {
                foreach (var p in VideoRoomJoined.TryReadPublishers(data))
                {
                    _publishers[p.Id] = p.Display;
                }
            }
        }
    }

    /// <summary>Subscribes to feed <paramref name="feed"/> (with the room PIN we joined with): Janus offers, we answer, and open our own channel so that Janus starts relaying.</summary>
    public async Task SubscribeAsync(long feed, CancellationToken ct)
    {
        if (_subscriber is not null)
        {
            throw new InvalidOperationException("This participant has already subscribed.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.JoinTimeout);
        try
        {
            _subscriber = await _session.AttachAsync(JanusPlugins.VideoRoom, ct: timeout.Token).ConfigureAwait(false);
            var attached = await _subscriber.SendAsync(new VideoRoomJoinSubscriber { Room = Room, Streams = [(feed, null)], PrivateId = PrivateId, Pin = _pin }, ct: timeout.Token).ConfigureAwait(false);
            if (attached.Jsep is not { IsOffer: true } offer)
            {
                throw new JanusProtocolException("the VideoRoom answered the subscription without an offer.");
            }

            var local = _publisherPeer.LocalEndPoint.Address;
            // DTLS client: our streams are even, and Janus's relay channel takes the lowest free id >= 1 (odd).
            _subscriberPeer = PeerConnection.AcceptOffer(offer.Sdp, PeerSetup.PeerOptions(_options, local) with
            {
                AnswerSetup = SdpSetup.Active,
                AnswererIceMode = AnswererIceMode.Full,
            });
            string label = feed.ToString(CultureInfo.InvariantCulture);
            _subscriberPeer.DataChannelOpened += channel =>
            {
                if (channel.Label == label)
                {
                    channel.OnMessage = OnRelayed;
                    RelayChannel = channel;
                }
            };
            await _subscriber.SendAsync(VideoRoomSimpleRequest.Start, JanusJsep.Answer(_subscriberPeer.LocalDescription!), timeout.Token).ConfigureAwait(false);
            await PeerSetup.ConnectedAsync(_subscriberPeer, _subscriber, "subscriber", timeout.Token).ConfigureAwait(false);
            await PeerSetup.OpenAsync(_subscriberPeer.CreateDataChannel("JanusDataChannel"), "subscriber", timeout.Token).ConfigureAwait(false);
            Watch(_subscriber.WhenHungUp.ContinueWith(t => $"Janus hung up the subscriber connection ({t.Result.Reason})", TaskScheduler.Default));
            Watch(_subscriberPeer.WhenEnded.ContinueWith(t => $"the subscriber connection ended ({t.Result})", TaskScheduler.Default));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new JanusTimeoutException($"subscribing to feed {feed} did not finish within {_options.JoinTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Sends one text message to our subscribers; false when it could not be queued. Does not allocate.</summary>
    public bool Send(ReadOnlySpan<byte> utf8) => _send.SendText(utf8);

    /// <summary>Leaves: destroys the session (Janus hangs up and detaches our handles) and closes our connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _ended.TrySetResult("left");
        await _session.DisposeAsync().ConfigureAwait(false);
        if (_subscriberPeer is not null)
        {
            await _subscriberPeer.DisposeAsync().ConfigureAwait(false);
        }

        await _publisherPeer.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private void OnRelayed(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs) => _receiver.OnData(message, receivedNs);

    private void Watch(Task<string> reason) => reason.ContinueWith(t => _ended.TrySetResult(t.Result), TaskScheduler.Default);

    private static async Task Abandon(JanusClient client, PeerConnection? pc)
    {
        if (pc is not null)
        {
            await pc.DisposeAsync().ConfigureAwait(false);
        }

        await client.DisposeAsync().ConfigureAwait(false); // Destroys the session in Janus: its handles go with it.
    }
}
