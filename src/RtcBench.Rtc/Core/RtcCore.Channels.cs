using RtcBench.Rtc.DataChannels;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Core;

/// <summary>The channel table of <see cref="RtcCore"/>: DCEP (RFC 8832) and negotiated channels, sends, stream resets.</summary>
public sealed partial class RtcCore
{
    private readonly List<RtcChannel> _channels = [];
    private readonly Dictionary<ushort, RtcChannel> _byStream = [];
    private RtcChannel? _lastReceiving; // the channel DeliverUserMessage found last
    private int _awaitingAck;

    /// <summary>DCEP OPENs refused: on a stream already in use (a duplicate, or both ends opening it at once) or 65535.</summary>
    public long ChannelsRefused { get; private set; }

    /// <summary>Received messages dropped: on no open channel, or with a PPID that is neither DCEP nor a user message.</summary>
    public long MessagesDropped { get; private set; }

    /// <summary>Channels in id order (ours and the peer's).</summary>
    public IReadOnlyList<RtcChannel> Channels => _channels;

    private bool IsDtlsClient => _options.DtlsRole == DtlsRole.Client;

    /// <summary>The channel with id <paramref name="id"/> (from <see cref="OpenChannel"/> or a <see cref="RtcOutputKind.ChannelOpen"/> event).</summary>
    public RtcChannel Channel(int id) =>
        (uint)id < (uint)_channels.Count ? _channels[id] : throw new ArgumentException($"No channel {id}.", nameof(id));

    /// <summary>
    /// Opens a channel and returns its id. A DCEP channel sends its OPEN once the association is up (on a stream of our
    /// DTLS parity, skipping ids in use) and opens on the ACK; a negotiated one opens on its stream when the association
    /// is up, with no DCEP. Then drain <see cref="PollOutput"/>. Throws <see cref="ArgumentException"/> for bad options
    /// and <see cref="InvalidOperationException"/> after the end or for a negotiated stream already in use.
    /// </summary>
    public int OpenChannel(long nowNs, RtcChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (Terminal || State == RtcCoreState.Closing)
        {
            throw new InvalidOperationException($"The session is {State}.");
        }

        if (State == RtcCoreState.New)
        {
            Start(nowNs);
        }

        if (options.StreamId is { } fixedId && IsStreamTaken((ushort)fixedId))
        {
            throw new InvalidOperationException($"Stream {fixedId} is already in use.");
        }

        var channel = new RtcChannel(_channels.Count, options.Label, options.Protocol, options.Ordered, options.MaxRetransmits,
            options.MaxPacketLifeTimeMs, options.Negotiated, local: true);
        _channels.Add(channel);
        if (options.StreamId is { } id)
        {
            channel.StreamId = id;
        }

        if (State == RtcCoreState.Connected)
        {
            OpenLocalChannel(nowNs, channel);
        }

        Pump(nowNs);
        return channel.Id;
    }

    private bool IsStreamTaken(ushort streamId)
    {
        if (_byStream.ContainsKey(streamId))
        {
            return true;
        }

        foreach (var channel in _channels)
        {
            if (channel.StreamId == streamId && channel.State != RtcChannelState.Closed)
            {
                return true;
            }
        }

        return false;
    }

    private void OpenWaitingChannels(long nowNs)
    {
        // Negotiated ones first: their stream ids are fixed, and DCEP allocation must skip them.
        foreach (var channel in _channels)
        {
            if (channel is { IsLocal: true, Negotiated: true, State: RtcChannelState.Connecting })
            {
                OpenLocalChannel(nowNs, channel);
            }
        }

        foreach (var channel in _channels)
        {
            if (channel is { IsLocal: true, Negotiated: false, State: RtcChannelState.Connecting, StreamId: < 0 })
            {
                OpenLocalChannel(nowNs, channel);
            }
        }
    }

    private void OpenLocalChannel(long nowNs, RtcChannel channel)
    {
        if (channel.Negotiated)
        {
            _byStream[(ushort)channel.StreamId] = channel;
            MarkOpen(channel);
            return;
        }

        var (first, step) = _options.StreamIdRule ?? (DataChannelStreamIds.First(IsDtlsClient), 2);
        if (!DataChannelStreamIds.TryAllocate(first, step, DataChannelStreamIds.Reserved, _byStream.ContainsKey, out ushort id))
        {
            MarkClosed(channel);
            return;
        }

        channel.StreamId = id;
        channel.OpenDeadlineNs = nowNs + _options.ChannelOpenTimeoutNs;
        _byStream[id] = channel;
        _awaitingAck++;
        var open = new DcepOpen(channel.ChannelType, DcepOpen.NormalPriority, channel.ReliabilityParameter, channel.Label, channel.Protocol);
        _sctp!.Send(id, Ppid.Dcep, DcepCodec.Encode(open), SendOptions.Reliable);
    }

    private void HandleDcep(long nowNs, ushort streamId, ReadOnlySpan<byte> data)
    {
        if (!DcepCodec.TryRead(data, out var message))
        {
            MessagesDropped++;
            return;
        }

        if (message is DcepAck)
        {
            if (_byStream.TryGetValue(streamId, out var ours) && ours.State == RtcChannelState.Connecting)
            {
                _awaitingAck--;
                MarkOpen(ours);
            }

            return;
        }

        // RFC 8832 §6 gives the DTLS client even ids and the server odd ones, but werift takes its parity from its ICE
        // role and Janus the lowest free id from 1: like usrsctp, accept any free id and refuse only one in use.
        var open = (DcepOpen)message!;
        if (_byStream.TryGetValue(streamId, out var holder) || streamId == DataChannelStreamIds.Reserved)
        {
            ChannelsRefused++;
            _options.ChannelRefused?.Invoke(open.Label, streamId, holder);
            return;
        }

        var channel = new RtcChannel(_channels.Count, open.Label, open.Protocol, open.IsOrdered,
            open.MaxRetransmits is { } r ? (int)Math.Min(r, int.MaxValue) : null,
            open.MaxPacketLifeTimeMs is { } l ? (int)Math.Min(l, int.MaxValue) : null, negotiated: false, local: false)
        {
            StreamId = streamId,
        };
        _channels.Add(channel);
        _byStream[streamId] = channel;
        _sctp!.Send(streamId, Ppid.Dcep, DcepCodec.Encode(DcepAck.Instance), SendOptions.Reliable);
        MarkOpen(channel);
    }

    private void DeliverUserMessage(long nowNs, in SctpReceivedMessage message)
    {
        // The channel of the previous message, while it is open: a channel leaves the table only as it closes.
        var channel = _lastReceiving;
        if (channel is null || channel.StreamId != message.StreamId || channel.State is RtcChannelState.Closed)
        {
            if (!_byStream.TryGetValue(message.StreamId, out channel))
            {
                MessagesDropped++;
                return;
            }

            _lastReceiving = channel;
        }

        if (channel.State is RtcChannelState.Closed
            || !DataChannelPayload.TryDecode(message.Ppid, message.Data, out bool isText, out var body))
        {
            MessagesDropped++;
            return;
        }

        if (channel.State == RtcChannelState.Connecting)
        {
            _awaitingAck--;
            MarkOpen(channel); // Data before the ACK implies it (RFC 8832 §6).
        }

        channel.MessagesReceived++;
        if (body.Length > 0 && body.Length == message.Length && _sctp!.TakePolledMessage() is { } buffer)
        {
            // The message's own buffer (rented from the same pool) goes out as the output's: no second copy.
            _outputs.Enqueue((new RtcOutput(RtcOutputKind.Message, buffer.AsMemory(0, body.Length), null, null, channel.Id, isText, _receivedNs), buffer));
            return;
        }

        EmitCopy(RtcOutputKind.Message, body, null, null, channel.Id, isText, _receivedNs);
    }

    private bool SendMessage(long nowNs, int id, ReadOnlySpan<byte> message, bool isText)
    {
        var channel = Channel(id);
        bool sent = false;
        if (_sctp is { } sctp && channel.State == RtcChannelState.Open && !Terminal)
        {
            try
            {
                sent = sctp.Send((ushort)channel.StreamId, DataChannelPayload.SelectPpid(isText, message.Length),
                    DataChannelPayload.SelectBody(message), channel.SendOptions);
            }
            catch (InvalidOperationException)
            {
                // Shutting down: refused like a full buffer.
            }
            catch (ArgumentException)
            {
                // Over the peer's max-message-size.
            }
        }

        if (sent)
        {
            channel.MessagesSent++;
        }
        else
        {
            channel.SendsRefused++;
        }

        return sent;
    }

    private void CloseChannel(long nowNs, int id)
    {
        var channel = Channel(id);
        if (channel.State is RtcChannelState.Closed or RtcChannelState.Closing || Terminal)
        {
            return;
        }

        if (!_byStream.ContainsKey((ushort)channel.StreamId) || channel.StreamId < 0 || _sctp is null)
        {
            MarkClosed(channel); // Never reached the wire.
            return;
        }

        if (channel.State == RtcChannelState.Connecting)
        {
            _awaitingAck--;
        }

        channel.State = RtcChannelState.Closing;
        RequestReset(channel);
    }

    private void RequestReset(RtcChannel channel)
    {
        channel.LocalResetRequested = true;
        try
        {
            _sctp!.ResetStreams([(ushort)channel.StreamId]);
        }
        catch (InvalidOperationException)
        {
            // No RE-CONFIG, or the association is ending: nothing more to wait for.
            _byStream.Remove((ushort)channel.StreamId);
            MarkClosed(channel);
        }
    }

    private void OnStreamReset(SctpStreamReset reset)
    {
        foreach (ushort id in reset.StreamIds)
        {
            if (!_byStream.TryGetValue(id, out var channel))
            {
                continue;
            }

            if (reset.Incoming)
            {
                channel.RemoteResetDone = true;
                if (!channel.LocalResetRequested)
                {
                    if (channel.State == RtcChannelState.Connecting)
                    {
                        _awaitingAck--;
                    }

                    channel.State = RtcChannelState.Closing;
                    RequestReset(channel);
                }
            }
            else
            {
                channel.LocalResetDone = true;
            }

            if (channel.LocalResetDone && channel.RemoteResetDone && channel.State != RtcChannelState.Closed)
            {
                _byStream.Remove(id);
                MarkClosed(channel);
            }
        }
    }

    private long NextChannelDeadlineNs()
    {
        long next = RtcTime.Never;
        if (_awaitingAck > 0)
        {
            foreach (var channel in _channels)
            {
                if (channel.State == RtcChannelState.Connecting && channel.OpenDeadlineNs < next)
                {
                    next = channel.OpenDeadlineNs;
                }
            }
        }

        return next;
    }

    private void ExpireChannelOpens(long nowNs)
    {
        if (_awaitingAck <= 0)
        {
            return;
        }

        foreach (var channel in _channels)
        {
            if (channel.State == RtcChannelState.Connecting && nowNs >= channel.OpenDeadlineNs)
            {
                _awaitingAck--;
                _byStream.Remove((ushort)channel.StreamId);
                MarkClosed(channel);
            }
        }
    }

    private void MarkOpen(RtcChannel channel)
    {
        channel.State = RtcChannelState.Open;
        channel.OpenDeadlineNs = RtcTime.Never;
        Emit(new RtcOutput(RtcOutputKind.ChannelOpen, channel: channel.Id));
    }

    private void MarkClosed(RtcChannel channel)
    {
        if (channel.State == RtcChannelState.Closed)
        {
            return;
        }

        bool wasAnnounced = channel.State is RtcChannelState.Open or RtcChannelState.Closing || channel.IsLocal;
        channel.State = RtcChannelState.Closed;
        channel.OpenDeadlineNs = RtcTime.Never;
        if (wasAnnounced)
        {
            Emit(new RtcOutput(RtcOutputKind.ChannelClosed, channel: channel.Id));
        }
    }

    private void CloseAllChannels()
    {
        foreach (var channel in _channels)
        {
            MarkClosed(channel);
        }

        _byStream.Clear();
        _awaitingAck = 0;
    }
}
