using System.Globalization;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.VideoRoom;
using RtcBench.Rtc.Peer;

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
    private readonly JanusDataLink _link;
    private readonly JanusHandle _publisher;
    private readonly DataChannel _send;
    private readonly IJanusDataReceiver _receiver;
    private readonly Dictionary<long, string?> _publishers = [];
    private readonly string? _pin;
    private JanusHandle? _subscriber;

    private VideoRoomDataParticipant(JanusDataLink link, JanusHandle publisher, PeerConnection pc, DataChannel send,
        VideoRoomJoined joined, string? pin, IJanusDataReceiver receiver)
    {
        _pin = pin;
        _link = link;
        _publisher = publisher;
        Publisher = pc;
        _send = send;
        _receiver = receiver;
        Room = joined.Room;
        FeedId = joined.Id;
        PrivateId = joined.PrivateId;
        foreach (var p in joined.Publishers)
        {
            _publishers[p.Id] = p.Display;
        }

        link.Watch(publisher, pc, "publisher");
    }

    public long Room { get; }

    /// <summary>Our feed (publisher) id in the room.</summary>
    public long FeedId { get; }

    public long? PrivateId { get; }

    /// <summary>The connection we publish on.</summary>
    public PeerConnection Publisher { get; }

    /// <summary>The connection we receive the subscribed feed on, once subscribed.</summary>
    public PeerConnection? Subscriber { get; private set; }

    /// <summary>The channel Janus relays the subscribed feed on, once it has opened it (on its first message).</summary>
    public DataChannel? RelayChannel { get; private set; }

    public JanusSession Session => _link.Session;

    /// <summary>Completes once, with why the participant can no longer send or receive.</summary>
    public Task<string> WhenEnded => _link.WhenEnded;

    /// <summary>Joins room <paramref name="room"/> as publisher <paramref name="display"/> and publishes a reliable data channel.</summary>
    public static Task<VideoRoomDataParticipant> JoinAsync(JanusParticipantOptions options, long room, string display, string? pin, IJanusDataReceiver receiver, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        return JanusDataLink.JoinAsync(options, $"joining VideoRoom room {room}", async (link, joinCt) =>
        {
            var publisher = await link.Session.AttachAsync(JanusPlugins.VideoRoom, ct: joinCt).ConfigureAwait(false);
            var reply = await publisher.SendAsync(new VideoRoomJoinPublisher { Room = room, Display = display, Pin = pin }, ct: joinCt).ConfigureAwait(false);
            if (!VideoRoomJoined.TryRead(reply, out var joined))
            {
                throw new JanusProtocolException($"the VideoRoom answered 'join' with '{reply.GetString("videoroom")}', not 'joined'.");
            }

            var pc = link.CreateOfferer();
            var send = pc.CreateDataChannel("rtcbench");
            var configured = await publisher.SendAsync(new VideoRoomPublish { Display = display }, JanusJsep.Offer(pc.CreateOffer()), joinCt).ConfigureAwait(false);
            if (configured.Jsep is not { IsAnswer: true } answer)
            {
                throw new JanusProtocolException("the VideoRoom answered 'publish' without a JSEP answer.");
            }

            pc.SetRemoteAnswer(answer.Sdp);
            await JanusDataLink.ConnectedAsync(pc, publisher, "publisher", joinCt).ConfigureAwait(false);
            await JanusDataLink.OpenAsync(send, "publisher", joinCt).ConfigureAwait(false);
            return new VideoRoomDataParticipant(link, publisher, pc, send, joined!, pin, receiver);
        }, ct);
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
        timeout.CancelAfter(_link.Options.JoinTimeout);
        try
        {
            _subscriber = await _link.Session.AttachAsync(JanusPlugins.VideoRoom, ct: timeout.Token).ConfigureAwait(false);
            var attached = await _subscriber.SendAsync(new VideoRoomJoinSubscriber { Room = Room, Streams = [(feed, null)], PrivateId = PrivateId, Pin = _pin }, ct: timeout.Token).ConfigureAwait(false);
            if (attached.Jsep is not { IsOffer: true } offer)
            {
                throw new JanusProtocolException("the VideoRoom answered the subscription without an offer.");
            }

            // DTLS client: our streams are even, and Janus's relay channel takes the lowest free id >= 1 (odd).
            var subscriber = _link.AcceptOffer(offer.Sdp);
            Subscriber = subscriber;
            string label = feed.ToString(CultureInfo.InvariantCulture);
            subscriber.DataChannelOpened += channel =>
            {
                if (channel.Label == label)
                {
                    channel.OnMessage = OnRelayed;
                    RelayChannel = channel;
                }
            };
            await _subscriber.SendAsync(VideoRoomSimpleRequest.Start, JanusJsep.Answer(subscriber.LocalDescription!), timeout.Token).ConfigureAwait(false);
            await JanusDataLink.ConnectedAsync(subscriber, _subscriber, "subscriber", timeout.Token).ConfigureAwait(false);
            await JanusDataLink.OpenAsync(subscriber.CreateDataChannel("JanusDataChannel"), "subscriber", timeout.Token).ConfigureAwait(false);
            _link.Watch(_subscriber, subscriber, "subscriber");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new JanusTimeoutException($"subscribing to feed {feed} did not finish within {_link.Options.JoinTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Sends one text message to our subscribers; false when it could not be queued. Does not allocate.</summary>
    public bool Send(ReadOnlySpan<byte> utf8) => _send.SendText(utf8);

    /// <summary>Leaves: destroys the session (Janus hangs up and detaches our handles) and closes our connections.</summary>
    public ValueTask DisposeAsync() => _link.DisposeAsync();

    private void OnRelayed(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs) => _receiver.OnData(message, receivedNs);
}
