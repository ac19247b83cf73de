using Google.Protobuf;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// The stand-in's data relay, after LiveKit's rules (PROTOCOLS.md §2 A2 "Server rules for incoming data"): the kind
/// comes from the channel label; a reliable packet whose sequence (&gt; 0) is not above the sender's last is dropped;
/// the sender's identity and sid are stamped; the packet goes to every other participant, or only to the
/// destination identities/sids, never back to the sender, on the receiver's primary connection's channel of the same
/// kind (subscriber connection when subscriber-primary, else the channels the client opened on its publisher).
/// The channels are werift's (<see cref="WeriftPeer"/>): this class only decides what goes where.
/// </summary>
internal sealed partial class StandInSession
{
    internal const string ReliableLabel = "_reliable";
    internal const string LossyLabel = "_lossy";
    internal const string DataTrackLabel = "_data_track";
    private uint _lastSequence;
    private long _relayed;
    private long _droppedOutOfOrder;
    private long _undeliverable;
    private long _malformedData;

    /// <summary>Packets from this participant forwarded to at least one receiver.</summary>
    public long Relayed => Interlocked.Read(ref _relayed);

    /// <summary>Reliable packets from this participant dropped for a sequence that did not increase.</summary>
    public long DroppedOutOfOrder => Interlocked.Read(ref _droppedOutOfOrder);

    /// <summary>Packets for this participant that had no open channel to go on.</summary>
    public long Undeliverable => Interlocked.Read(ref _undeliverable);

    public long MalformedData => Interlocked.Read(ref _malformedData);

    /// <summary>Completes when the server's _reliable and _lossy on the subscriber connection are open (DCEP ACKed).</summary>
    public Task SubscriberChannelsOpen => _subscriberChannelsOpen.Task;

    private readonly TaskCompletionSource _subscriberChannelsOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Reliable packets for this participant that arrived before its subscriber _reliable was acknowledged: LiveKit
    // buffers reliable data for a joining participant and replays it (PROTOCOLS.md §2 A2), so the stand-in does too.
    private readonly Lock _pendingLock = new();
    private List<byte[]>? _pendingReliable = [];

    private void AdoptSubscriberChannels(WeriftPeer subscriber)
    {
        subscriber.ChannelOpened = label =>
        {
            if (label == ReliableLabel)
            {
                FlushPendingReliable(opened: true);
            }

            if (subscriber.IsOpen(ReliableLabel) && subscriber.IsOpen(LossyLabel))
            {
                _subscriberChannelsOpen.TrySetResult();
            }
        };
        _ = subscriber.WhenEnded.ContinueWith(_ => FlushPendingReliable(opened: false), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private bool TryHoldReliable(byte[] bytes)
    {
        lock (_pendingLock)
        {
            if (_pendingReliable is null || _pendingReliable.Count >= 1024)
            {
                return false;
            }

            _pendingReliable.Add(bytes);
            return true;
        }
    }

    private void FlushPendingReliable(bool opened)
    {
        // Under the lock, so a packet relayed meanwhile waits and cannot overtake the held ones.
        lock (_pendingLock)
        {
            var pending = _pendingReliable ?? [];
            _pendingReliable = null; // From now on reliable packets go straight to the channel (or are undeliverable).
            foreach (var bytes in pending)
            {
                if (!opened)
                {
                    Interlocked.Increment(ref _undeliverable);
                }
                else
                {
                    Deliver(DataPacket.Types.Kind.Reliable, bytes); // counts itself when the channel is gone
                }
            }
        }
    }

    private void AdoptPublisherChannels(WeriftPeer publisher) =>
        publisher.MessageReceived = (label, message) =>
        {
            switch (label)
            {
                case ReliableLabel:
                    Relay(DataPacket.Types.Kind.Reliable, message);
                    break;
                case LossyLabel:
                    Relay(DataPacket.Types.Kind.Lossy, message);
                    break;
                default:
                    break;
            }
        };

#pragma warning disable CS0612 // LiveKit still fills and honours the deprecated copies of these fields.
    private void Relay(DataPacket.Types.Kind kind, ReadOnlySpan<byte> message)
    {
        DataPacket packet;
        try
        {
            packet = DataPacket.Parser.ParseFrom(message);
        }
        catch (InvalidProtocolBufferException)
        {
            Interlocked.Increment(ref _malformedData);
            return;
        }

        if (kind == DataPacket.Types.Kind.Reliable && packet.Sequence > 0)
        {
            if (packet.Sequence <= _lastSequence)
            {
                Interlocked.Increment(ref _droppedOutOfOrder);
                return;
            }

            _lastSequence = packet.Sequence;
        }

        packet.Kind = kind;
        packet.ParticipantIdentity = Identity;
        packet.ParticipantSid = Sid;
        var identities = new HashSet<string>(packet.DestinationIdentities, StringComparer.Ordinal);
        var sids = new HashSet<string>(StringComparer.Ordinal);
        if (packet.User is { } user)
        {
            user.ParticipantIdentity = Identity;
            user.ParticipantSid = Sid;
            identities.UnionWith(user.DestinationIdentities);
            sids.UnionWith(user.DestinationSids);
        }

        byte[] bytes = packet.ToByteArray();
        bool any = false;
        foreach (var receiver in _room.Sessions)
        {
            if (receiver == this || (identities.Count + sids.Count > 0 && !identities.Contains(receiver.Identity) && !sids.Contains(receiver.Sid)))
            {
                continue;
            }

            any |= receiver.Deliver(kind, bytes);
        }

        if (any)
        {
            Interlocked.Increment(ref _relayed);
        }
    }
#pragma warning restore CS0612

    /// <summary>Fault: any bytes to this participant on its data channel of <paramref name="kind"/>.</summary>
    public bool SendRawData(DataPacket.Types.Kind kind, byte[] bytes) => Deliver(kind, bytes);

    private bool Deliver(DataPacket.Types.Kind kind, byte[] bytes)
    {
        var peer = SubscriberPrimary ? _subscriber : _publisher;
        string label = kind == DataPacket.Types.Kind.Reliable ? ReliableLabel : LossyLabel;
        bool open = peer?.IsOpen(label) == true;
        if (SubscriberPrimary && kind == DataPacket.Types.Kind.Reliable && !open && TryHoldReliable(bytes))
        {
            return true;
        }

        if (open && peer!.Send(label, bytes))
        {
            return true;
        }

        Interlocked.Increment(ref _undeliverable);
        return false;
    }
}
