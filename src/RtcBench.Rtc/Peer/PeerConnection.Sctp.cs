using System.Buffers;
using RtcBench.Rtc.DataChannels;
using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Peer;

/// <summary>SCTP over DTLS and the data channels (DCEP) of <see cref="PeerConnection"/>; runs on the loop only.</summary>
public sealed partial class PeerConnection
{
    private readonly List<DataChannel> _pendingLocal = [];
    private readonly List<DataChannel> _awaitingAssociation = [];
    private readonly Dictionary<ushort, DataChannel> _byStream = [];
    private SctpAssociation? _sctp;
    private byte[] _sctpPacket = [];
    private long _sctpDeadlineNs = RtcTime.Never;
    private int _awaitingAck;
    private long _channelsRefused;
    private string? _abortDetail;

    /// <summary>Bytes of user data queued or in flight before sends are refused; also our cap on any one message.</summary>
    private const int SendBufferBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The largest message we may send: the peer's <c>a=max-message-size</c>, 65536 when its description has none
    /// (RFC 8841 §6.1); its 0 ("any size") is capped at our 16 MiB send buffer. 0 before the remote description.
    /// <see cref="DataChannel.Send"/> refuses a larger message with an <see cref="ArgumentException"/>.
    /// </summary>
    public int RemoteMaxMessageSize => _remote?.MaxMessageSize switch
    {
        null => 0,
        0 or > SendBufferBytes => SendBufferBytes,
        { } max => (int)max,
    };

    /// <summary>
    /// DCEP OPENs refused: a stream id already in use (a duplicate OPEN, or both ends opening the same id at once)
    /// or the reserved 65535. Each refusal is also logged once, at Information.
    /// </summary>
    public long DataChannelsRefused => Interlocked.Read(ref _channelsRefused);

    /// <summary>The association (diagnostics; touch it only from the loop).</summary>
    internal SctpAssociation? Sctp => _sctp;

    /// <summary>The SCTP association's counters once it exists (written on the loop; read them as a snapshot).</summary>
    public SctpStats? SctpStats => _sctp?.Stats;

    internal Task? LoopTask => _loop;

    internal RtcBench.Rtc.Dtls.DtlsSession? DtlsSessionForTests => _dtls;

    private bool IsDtlsClient => DtlsRole == Dtls.DtlsRole.Client;

    private void AdoptPendingChannels()
    {
        lock (_pendingLocal)
        {
            _awaitingAssociation.AddRange(_pendingLocal);
            _pendingLocal.Clear();
        }
    }

    private void AddLocalChannel(DataChannel channel)
    {
        if (_sctp is { State: SctpState.Established })
        {
            OpenLocalChannel(channel, _clock());
        }
        else
        {
            _awaitingAssociation.Add(channel);
        }
    }

    private void StartSctp()
    {
        if (_sctp is not null)
        {
            return;
        }

        long now = _clock();
        if (_dtlsConnectedNs == 0)
        {
            _dtlsConnectedNs = now;
        }

        var sctp = new SctpAssociation(new SctpOptions
        {
            MaxPacketSize = Math.Min(_options.SctpMaxPacketSize, _dtls!.SendLimit),
            LocalPort = (ushort)SdpNames.DefaultSctpPort,
            RemotePort = (ushort)_remote!.SctpPort,
            MaxMessageSize = RemoteMaxMessageSize,
            MaxSendBufferBytes = SendBufferBytes,
            ReceiveWindow = Math.Max(1 << 20, 2 * _options.MaxMessageSize), // Room to reassemble the largest message we advertise.
        });
        sctp.HandleTimeout(now); // Gives the core its notion of now before it arms T1.
        _sctpPacket = new byte[Math.Min(_options.SctpMaxPacketSize, _dtls!.SendLimit)];
        _sctp = sctp;
        _sctpDeadlineNs = now + RtcTime.FromTimeSpan(_options.SctpTimeout);
        if (_options.SendSctpInit)
        {
            // INIT in either DTLS role, as usrsctp, dcSCTP, Pion and libdatachannel do: werift, as an ICE-controlled
            // DTLS client, never sends one. Both INITs crossing is SCTP's simultaneous open (RFC 9260 §5.2.1, §5.2.4):
            // the core ends up with one association either way.
            sctp.Connect();
        }
    }

    private void HandleSctpPacket(long now, in PeerInput input)
    {
        if (_sctp is null && _dtls is { State: Dtls.DtlsSessionState.Connected })
        {
            StartSctp(); // The peer's INIT can overtake the handshake completion on its way to the loop.
        }

        if (_sctp is { } sctp)
        {
            sctp.HandleInput(now, input.Buffer.AsSpan(0, input.Length));
            ArrayPool<byte>.Shared.Return(input.Buffer!);
            DrainSctpEvents(now, input.Ns);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(input.Buffer!);
            Interlocked.Increment(ref _dropped);
        }
    }

    private void HandleSend(in PeerInput input)
    {
        var channel = input.Channel!;
        bool sent = false;
        if (_sctp is { } sctp && channel.StreamId >= 0 && channel.State == DataChannelState.Open)
        {
            try
            {
                sent = sctp.Send((ushort)channel.StreamId, input.Ppid, input.Buffer.AsSpan(0, input.Length), channel.SendOptions);
            }
            catch (InvalidOperationException)
            {
                // Shutting down: refused like a full buffer.
            }
            catch (ArgumentException)
            {
                // Over the peer's max-message-size: DataChannel.Send refuses it first; never end the loop for it.
            }
        }

        ArrayPool<byte>.Shared.Return(input.Buffer!);
        if (sent)
        {
            channel.CountSent();
        }
        else
        {
            channel.CountRefused();
        }
    }

    private void ServiceSctp(long now)
    {
        if (_sctp is not { } sctp)
        {
            return;
        }

        if (now >= sctp.NextTimeoutNs)
        {
            sctp.HandleTimeout(now);
        }

        DrainSctpEvents(now, 0);
        FlushSctp();
        if (_stopped)
        {
            return;
        }

        if (now >= _sctpDeadlineNs)
        {
            Fail(PeerPhase.Sctp, PeerFailureReason.SctpTimeout, $"the SCTP association was not up within {_options.SctpTimeout.TotalSeconds:0.###} s of DTLS");
            return;
        }

        if (_awaitingAck > 0)
        {
            List<DataChannel>? expired = null;
            foreach (var channel in _byStream.Values)
            {
                if (channel.State == DataChannelState.Connecting && now >= channel.OpenDeadlineNs)
                {
                    (expired ??= []).Add(channel);
                }
            }

            foreach (var channel in expired ?? [])
            {
                _awaitingAck--;
                _byStream.Remove((ushort)channel.StreamId);
                channel.MarkClosed();
            }
        }
    }

    private long NextSctpDeadline()
    {
        long next = Math.Min(_sctp?.NextTimeoutNs ?? RtcTime.Never, _sctpDeadlineNs);
        if (_awaitingAck > 0)
        {
            foreach (var channel in _byStream.Values)
            {
                if (channel.State == DataChannelState.Connecting)
                {
                    next = Math.Min(next, channel.OpenDeadlineNs);
                }
            }
        }

        return next;
    }

    private void FlushSctp()
    {
        if (_sctp is not { } sctp || _dtls is not { } dtls)
        {
            return;
        }

        while (sctp.TryPollTransmit(_sctpPacket, out int length))
        {
            try
            {
                dtls.Send(_sctpPacket.AsSpan(0, length));
            }
            catch (InvalidOperationException)
            {
                // DTLS closed under us: the Closed event ends the connection.
            }
        }
    }

    private void DrainSctpEvents(long now, long receivedNs)
    {
        while (_sctp is { } sctp && sctp.TryPollEvent(out SctpEvent? ev, out var m))
        {
            switch (ev)
            {
                case null when m.Ppid == Ppid.Dcep:
                    HandleDcep(now, m.StreamId, m.Data);
                    break;
                case null:
                    DeliverUserMessage(now, m, receivedNs);
                    break;
                case SctpConnected:
                    OnSctpConnected(now);
                    break;
                case SctpStreamReset r:
                    OnStreamReset(r);
                    break;
                case SctpAborted a:
                    _abortDetail = a.Detail;
                    break;
                case SctpClosed c:
                    OnSctpClosed(c);
                    break;
            }

            if (_stopped)
            {
                return;
            }
        }
    }

    private void OnSctpConnected(long now)
    {
        _sctpConnectedNs = now;
        _sctpDeadlineNs = RtcTime.Never;
        foreach (var channel in _awaitingAssociation)
        {
            if (channel.State == DataChannelState.Connecting)
            {
                OpenLocalChannel(channel, now);
            }
        }

        _awaitingAssociation.Clear();
        SetState(PeerConnectionState.Connected);
        _connected.TrySetResult(PeerOutcome.Success);
    }

    private void OpenLocalChannel(DataChannel channel, long now)
    {
        var (first, step) = _options.StreamIdRule ?? (DataChannelStreamIds.First(IsDtlsClient), 2);
        if (!DataChannelStreamIds.TryAllocate(first, step, DataChannelStreamIds.Reserved, _byStream.ContainsKey, out ushort id))
        {
            channel.MarkClosed();
            return;
        }

        channel.StreamId = id;
        channel.OpenDeadlineNs = now + RtcTime.FromTimeSpan(_options.ChannelOpenTimeout);
        _byStream[id] = channel;
        _awaitingAck++;
        var open = new DcepOpen(channel.ChannelType, DcepOpen.NormalPriority, channel.ReliabilityParameter, channel.Label, channel.Protocol);
        _sctp!.Send(id, Ppid.Dcep, DcepCodec.Encode(open), SendOptions.Reliable);
    }

    private void HandleDcep(long now, ushort streamId, ReadOnlySpan<byte> data)
    {
        if (!DcepCodec.TryRead(data, out var message))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (message is DcepAck)
        {
            if (_byStream.TryGetValue(streamId, out var ours) && ours.State == DataChannelState.Connecting)
            {
                _awaitingAck--;
                ours.MarkOpen(now);
            }

            return;
        }

        var open = (DcepOpen)message!;
        // RFC 8832 §6 gives the DTLS client even ids and the server odd ones, but werift takes its parity from its ICE
        // role and Janus the lowest free id from 1: like usrsctp, accept any free id and refuse only one in use.
        if (_byStream.TryGetValue(streamId, out var existing) || streamId == DataChannelStreamIds.Reserved)
        {
            Interlocked.Increment(ref _channelsRefused);
            PeerLog.DataChannelRefused(_options.Logger, open.Label, streamId, existing switch
            {
                null => "reserved (65535)",
                { IsLocal: true, State: DataChannelState.Connecting } => $"the one our channel '{existing.Label}' is opening at the same time (no ACK either way)",
                { IsLocal: true } => $"in use by our channel '{existing.Label}'",
                _ => $"in use by the peer's channel '{existing.Label}' (a duplicate OPEN)",
            });
            return;
        }

        if (DataChannelStreamIds.BelongsTo(streamId, IsDtlsClient))
        {
            PeerLog.DataChannelOnOurParity(_options.Logger, open.Label, streamId, IsDtlsClient ? "server" : "client");
        }

        var channel = new DataChannel(this, open.Label, open.Protocol, open.IsOrdered,
            open.MaxRetransmits is { } r ? (int)Math.Min(r, int.MaxValue) : null,
            open.MaxPacketLifeTimeMs is { } l ? (int)Math.Min(l, int.MaxValue) : null, local: false)
        {
            StreamId = streamId,
        };
        _byStream[streamId] = channel;
        _sctp!.Send(streamId, Ppid.Dcep, DcepCodec.Encode(DcepAck.Instance), SendOptions.Reliable);
        channel.MarkOpen(now);
        try
        {
            DataChannelOpened?.Invoke(channel);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _callbackErrors);
        }
    }

    private void DeliverUserMessage(long now, in SctpReceivedMessage m, long receivedNs)
    {
        if (!_byStream.TryGetValue(m.StreamId, out var channel) || channel.State == DataChannelState.Closed
            || !DataChannelPayload.TryDecode(m.Ppid, m.Data, out bool isText, out var message))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (channel.State == DataChannelState.Connecting)
        {
            _awaitingAck--;
            channel.MarkOpen(now); // Data before the ACK implies it (RFC 8832 §6).
        }

        try
        {
            channel.Deliver(message, isText, receivedNs);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _callbackErrors);
        }
    }

    internal void CloseChannel(DataChannel channel)
    {
        if (channel.State is DataChannelState.Closed or DataChannelState.Closing)
        {
            return;
        }

        if (channel.StreamId < 0)
        {
            _awaitingAssociation.Remove(channel);
            channel.MarkClosed();
            return;
        }

        if (channel.State == DataChannelState.Connecting)
        {
            _awaitingAck--;
        }

        channel.MarkClosing();
        RequestReset(channel);
    }

    private void RequestReset(DataChannel channel)
    {
        channel.LocalResetRequested = true;
        try
        {
            _sctp!.ResetStreams([(ushort)channel.StreamId]);
        }
        catch (InvalidOperationException)
        {
            // No RE-CONFIG support, or the association is ending: nothing more to wait for.
            _byStream.Remove((ushort)channel.StreamId);
            channel.MarkClosed();
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
                    if (channel.State == DataChannelState.Connecting)
                    {
                        _awaitingAck--;
                    }

                    channel.MarkClosing();
                    RequestReset(channel);
                }
            }
            else
            {
                channel.LocalResetDone = true;
            }

            if (channel.LocalResetDone && channel.RemoteResetDone)
            {
                _byStream.Remove(id);
                channel.MarkClosed();
            }
        }
    }

    private void OnSctpClosed(SctpClosed closed)
    {
        switch (closed.Reason)
        {
            case SctpCloseReason.LocalAbort:
                return;
            case SctpCloseReason.Failed:
                Fail(PeerPhase.Sctp, PeerFailureReason.SctpFailed, "SCTP failed: " + closed.Detail);
                return;
            case SctpCloseReason.ProtocolViolation:
                FlushSctp(); // The ABORT goes out before the loop stops.
                Fail(PeerPhase.Sctp, PeerFailureReason.SctpProtocolViolation, "SCTP aborted: " + closed.Detail);
                return;
            default:
                End(PeerConnectionState.Closed, PeerOutcome.Failure(PeerPhase.PeerClosed,
                    closed.Reason == SctpCloseReason.PeerAbort ? PeerFailureReason.SctpPeerAbort : PeerFailureReason.SctpPeerShutdown,
                    closed.Reason == SctpCloseReason.PeerAbort ? $"the peer aborted SCTP ({_abortDetail ?? closed.Detail})" : "the peer shut SCTP down"));
                return;
        }
    }

    private void CloseAllChannels()
    {
        foreach (var channel in _byStream.Values)
        {
            channel.MarkClosed();
        }

        foreach (var channel in _awaitingAssociation)
        {
            channel.MarkClosed();
        }

        lock (_pendingLocal)
        {
            foreach (var channel in _pendingLocal)
            {
                channel.MarkClosed();
            }
        }

        _byStream.Clear();
        _awaitingAssociation.Clear();
    }
}
