using System.Buffers.Binary;
using System.Text;

namespace RtcBench.Rtc.Sctp;

/// <summary>Input side: packet validation, chunk dispatch, DATA, SACK, heartbeat, FORWARD-TSN, shutdown, abort.</summary>
public sealed partial class SctpAssociation
{
    /// <summary>Processes one received SCTP packet. Never throws on bad input: it is dropped and counted in <see cref="Stats"/>.</summary>
    public void HandleInput(long nowNs, ReadOnlySpan<byte> packet)
    {
        CompleteDeferredSack(); // the previous packet's SACK, before anything of this one
        _now = Math.Max(_now, nowNs);
        Stats.PacketsReceived++;
        if (_terminated)
        {
            AnswerOutOfTheBlue(packet);
            return;
        }

        switch (SctpCommonHeader.TryRead(packet, out var header))
        {
            case SctpReadResult.BadChecksum:
                Stats.ChecksumErrors++;
                return;
            case SctpReadResult.Malformed:
                Stats.MalformedPackets++;
                return;
        }

        if (header.DestinationPort != _options.LocalPort || header.SourcePort != _options.RemotePort)
        {
            Stats.BadPorts++;
            return;
        }

        var body = packet[SctpCommonHeader.Length..];
        if (!VerificationTagOk(header.VerificationTag, body))
        {
            Stats.BadVerificationTags++;
            return;
        }

        var hadGaps = _rx.HasGaps;
        var dataSeen = false;
        var ackNow = false;
        int eventsBefore = _events.Count;
        var reader = new SctpChunkReader(body);
        while (!_terminated && reader.TryNext(out var chunk))
        {
            if (HandleChunk(header, chunk, ref dataSeen, ref ackNow) != SctpChunkResult.Continue)
            {
                break;
            }
        }

        if (_sackPending && _events.Count == eventsBefore)
        {
            CompleteDeferredSack(); // no message to hand out first: nothing to gain by waiting
        }

        if (dataSeen && !_terminated)
        {
            _packetsSinceSack++;
            if (ackNow || hadGaps || _rx.HasGaps || _packetsSinceSack >= 2 || State != SctpState.Established)
            {
                _sackNow = true;
            }
            else if (_sackDeadlineNs == RtcTime.Never)
            {
                _sackDeadlineNs = _now + _options.DelayedAckNs;
            }
        }
    }

    /// <summary>
    /// As <see cref="HandleInput"/>, except that a SACK bundled ahead of DATA that completes a message is read but not
    /// yet acted on: the owner takes the message first (<see cref="TryPollEvent(out SctpEvent?, out SctpReceivedMessage)"/>:
    /// an echo can answer it at once), then calls <see cref="CompleteDeferredSack"/>. Every other entry point
    /// (input, timeout, send, transmit poll, close) completes it first, so the state ends as if the packet's chunks
    /// had been handled in order: DATA does not depend on what the SACK acknowledges (the sender's side), the SACK
    /// keeps its packet's time for the RTT sample, and only DATA chunks ever pass ahead of it (any other chunk after
    /// it, a second SACK included, completes it first). Only in ESTABLISHED (no shutdown step can hang on it).
    /// </summary>
    internal void HandleInputDeferringSack(long nowNs, ReadOnlySpan<byte> packet)
    {
        _deferSack = true;
        try
        {
            HandleInput(nowNs, packet);
        }
        finally
        {
            _deferSack = false;
        }
    }

    /// <summary>A SACK read by <see cref="HandleInputDeferringSack"/> waits to be acted on.</summary>
    internal bool HasDeferredSack => _sackPending;

    /// <summary>Acts on the SACK <see cref="HandleInputDeferringSack"/> left waiting, if any.</summary>
    internal void CompleteDeferredSack()
    {
        if (!_sackPending)
        {
            return;
        }

        _sackPending = false;
        if (!_terminated)
        {
            OnSack(_sackIn, _sackPendingNs);
        }
    }

    /// <summary>
    /// RFC 9260 §8.4 item 5: after we closed, a retransmitted SHUTDOWN-ACK (our SHUTDOWN-COMPLETE was lost) is
    /// answered with SHUTDOWN-COMPLETE carrying the T bit, so the peer closes cleanly instead of timing out.
    /// </summary>
    private void AnswerOutOfTheBlue(ReadOnlySpan<byte> packet)
    {
        if (SctpCommonHeader.TryRead(packet, out var header) == SctpReadResult.Ok &&
            packet[SctpCommonHeader.Length] == SctpChunkType.ShutdownAck && _transmit.Count < 16)
        {
            EmitSingle(new ShutdownCompleteChunk { Flags = ShutdownCompleteChunk.FlagT }, header.VerificationTag);
        }
    }

    /// <summary>RFC 9260 §8.5 and §8.5.1: which tag a packet must carry depends on its first chunk.</summary>
    private bool VerificationTagOk(uint tag, ReadOnlySpan<byte> body)
    {
        var first = body[0];
        var flags = body[1];
        return first switch
        {
            SctpChunkType.Init => tag == 0,
            SctpChunkType.CookieEcho => true, // checked against the cookie itself
            SctpChunkType.Abort or SctpChunkType.ShutdownComplete when (flags & 1) != 0 => _peerTag != 0 && tag == _peerTag,
            SctpChunkType.Abort or SctpChunkType.ShutdownComplete => _localTag != 0 && tag == _localTag,
            _ => _localTag != 0 && tag == _localTag,
        };
    }

    /// <summary>
    /// One chunk: parse it (a chunk that does not parse is <see cref="SctpChunkResult.Malformed"/>) and hand it to its
    /// handler, whose answer says whether the rest of the packet is read. Only malformed chunks are counted here.
    /// </summary>
    private SctpChunkResult HandleChunk(SctpCommonHeader header, ReadOnlySpan<byte> chunk, ref bool dataSeen, ref bool ackNow)
    {
        const SctpChunkResult Malformed = SctpChunkResult.Malformed;
        var type = chunk[0];
        if (_sackPending && type != SctpChunkType.Data)
        {
            CompleteDeferredSack(); // only DATA passes ahead of a waiting SACK
        }

        var result = type switch
        {
            SctpChunkType.Data => DataChunkView.TryRead(chunk, out var d) ? OnData(d, ref dataSeen, ref ackNow) : Malformed,
            SctpChunkType.Init => InitChunk.TryRead(chunk, out var i) ? OnInit(i) : Malformed,
            SctpChunkType.InitAck => InitAckChunk.TryRead(chunk, out var ia) ? OnInitAck(ia) : Malformed,
            SctpChunkType.Sack => _sackIn.TryReadInto(chunk) ? OnSackChunk() : Malformed,
            SctpChunkType.Heartbeat => HeartbeatChunk.TryRead(chunk, out var hb) ? Queue(HeartbeatAckChunk.WithInfo(hb.Info!)) : Malformed,
            SctpChunkType.HeartbeatAck => HeartbeatAckChunk.TryRead(chunk, out var hba) ? OnHeartbeatAck(hba) : Malformed,
            SctpChunkType.Abort => AbortChunk.TryRead(chunk, out var a) ? OnAbort(a) : Malformed,
            SctpChunkType.Shutdown => ShutdownChunk.TryRead(chunk, out var sd) ? OnShutdown(sd) : Malformed,
            SctpChunkType.ShutdownAck => ShutdownAckChunk.TryRead(chunk, out _) ? OnShutdownAck() : Malformed,
            SctpChunkType.ShutdownComplete => ShutdownCompleteChunk.TryRead(chunk, out _) ? OnShutdownComplete() : Malformed,
            SctpChunkType.Error => ErrorChunk.TryRead(chunk, out var er) ? OnError(er) : Malformed,
            SctpChunkType.CookieEcho => CookieEchoChunk.TryRead(chunk, out var ce) ? OnCookieEcho(header, ce) : Malformed,
            SctpChunkType.CookieAck => CookieAckChunk.TryRead(chunk, out _) ? OnCookieAck() : Malformed,
            SctpChunkType.ForwardTsn => ForwardTsnChunk.TryRead(chunk, out var f) ? OnForwardTsn(f, ref ackNow) : Malformed,
            SctpChunkType.ReConfig => ReConfigChunk.TryRead(chunk, out var rc) ? OnReConfig(rc) : Malformed,
            _ => OnUnknownChunk(chunk),
        };
        if (result == Malformed)
        {
            Stats.MalformedPackets++;
            Stats.LastMalformedChunkType = type;
        }

        return result;
    }

    private SctpChunkResult Queue(SctpChunk chunk)
    {
        if (_peerTag != 0)
        {
            _control.Enqueue(chunk);
        }

        return SctpChunkResult.Continue;
    }

    /// <summary>A well-formed chunk that has no meaning in this state: counted, and the packet is read on.</summary>
    private SctpChunkResult Ignore()
    {
        Stats.IgnoredChunks++;
        return SctpChunkResult.Continue;
    }

    /// <summary>RFC 9260 §3.2: the upper two bits of an unknown type decide skip/stop and report.</summary>
    private SctpChunkResult OnUnknownChunk(ReadOnlySpan<byte> chunk)
    {
        Stats.UnknownChunks++;
        var type = chunk[0];
        if (SctpChunkType.ReportUnknown(type) && _peerTag != 0)
        {
            _control.Enqueue(new ErrorChunk { Items = [new SctpTlv(SctpErrorCauseCode.UnrecognizedChunkType, chunk.ToArray())] });
        }

        return SctpChunkType.SkipUnknown(type) ? SctpChunkResult.Continue : SctpChunkResult.Stop;
    }

    private SctpChunkResult OnData(in DataChunkView d, ref bool dataSeen, ref bool ackNow)
    {
        if (!IsDataState(State) && State != SctpState.ShutdownSent)
        {
            return Ignore();
        }

        dataSeen = true;
        Stats.DataChunksReceived++;
        if (d.UserData.Length == 0)
        {
            AbortNoUserData(d.Tsn);
            return SctpChunkResult.Stop;
        }

        ackNow |= d.Immediate;
        var tsn = _rx.Unwrap(d.Tsn);
        if (_rx.IsDuplicate(tsn))
        {
            Stats.DuplicateTsnsReceived++;
            _rx.RecordDuplicate(d.Tsn);
            ackNow = true;
            return SctpChunkResult.Continue;
        }

        if (_rx.IsTooFarAhead(tsn) ||
            (tsn != _rx.CumulativeTsn + 1 && _reassembler.BufferedBytes + d.UserData.Length > _options.ReceiveWindow))
        {
            Stats.DataDroppedNoBuffer++;
            ackNow = true;
            return SctpChunkResult.Continue;
        }

        _rx.Add(tsn);
        _reassembler.Insert(tsn, d);
        return SctpChunkResult.Continue;
    }

    /// <summary>
    /// RFC 9260 §6.2: a DATA chunk with no user data (Length 16) MUST be answered with ABORT carrying the "No User Data"
    /// error cause (§3.3.10.9), whose value is the chunk's TSN; the association ends
    /// (<see cref="SctpCloseReason.ProtocolViolation"/>).
    /// </summary>
    private void AbortNoUserData(uint tsn)
    {
        Stats.NoUserDataChunks++;
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, tsn);
        EmitSingle(new AbortChunk { Items = [new SctpTlv(SctpErrorCauseCode.NoUserData, value)] }, _peerTag);
        Terminate(new SctpClosed(SctpCloseReason.ProtocolViolation,
            FormattableString.Invariant($"the peer sent a DATA chunk with no user data (TSN {tsn}); ABORT sent")));
    }

    private SctpChunkResult OnSackChunk()
    {
        if (_deferSack && State == SctpState.Established)
        {
            _sackPending = true;
            _sackPendingNs = _now;
            return SctpChunkResult.Continue;
        }

        return OnSack(_sackIn, _now);
    }

    private SctpChunkResult OnSack(SackChunk s, long nowNs)
    {
        Stats.SacksReceived++;
        if (!IsDataState(State) && State != SctpState.ShutdownSent)
        {
            return Ignore();
        }

        if (_tx.OnSack(nowNs, s))
        {
            _errorCount = 0;
        }

        CheckShutdownProgress();
        return SctpChunkResult.Continue;
    }

    private SctpChunkResult OnHeartbeatAck(HeartbeatAckChunk ack)
    {
        var info = ack.Info!;
        if (info.Length == HeartbeatInfoLength && _heartbeatSentNs >= 0 &&
            BinaryPrimitives.ReadInt64LittleEndian(info) == _heartbeatSentNs &&
            BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(8)) == _heartbeatNonce)
        {
            _rto.OnRttSample(_now - _heartbeatSentNs);
            _heartbeatSentNs = -1;
            _errorCount = 0;
        }

        return SctpChunkResult.Continue;
    }

    private SctpChunkResult OnForwardTsn(ForwardTsnChunk f, ref bool ackNow)
    {
        Stats.ForwardTsnsReceived++;
        if (!IsDataState(State) && State != SctpState.ShutdownSent)
        {
            return Ignore();
        }

        var newCum = _rx.Unwrap(f.NewCumulativeTsn);
        if (!_rx.IsTooFarAhead(newCum) && newCum > _rx.CumulativeTsn)
        {
            _rx.ForwardTo(newCum);
            _reassembler.Forward(newCum, f.Streams);
        }

        ackNow = true;
        _sackNow = true;
        return SctpChunkResult.Continue;
    }

    private SctpChunkResult OnAbort(AbortChunk a)
    {
        ushort code = 0;
        var detail = "";
        if (a.Items.Count > 0)
        {
            code = a.Items[0].Type;
            detail = code == SctpErrorCauseCode.UserInitiatedAbort || code == SctpErrorCauseCode.ProtocolViolation
                ? Encoding.UTF8.GetString(a.Items[0].Value)
                : "";
        }

        Emit(new SctpAborted(code, detail));
        Terminate(new SctpClosed(SctpCloseReason.PeerAbort, detail));
        return SctpChunkResult.Stop;
    }

    private SctpChunkResult OnShutdown(ShutdownChunk s)
    {
        if (State is not (SctpState.Established or SctpState.ShutdownPending or SctpState.ShutdownSent or SctpState.ShutdownReceived))
        {
            return Ignore();
        }

        _tx.OnSack(_now, new SackChunk
        {
            CumulativeTsnAck = s.CumulativeTsnAck, AdvertisedReceiverWindow = (uint)Math.Min(uint.MaxValue, _tx.PeerReceiverWindow + _tx.FlightSize),
        });
        if (State == SctpState.ShutdownSent)
        {
            State = SctpState.ShutdownAckSent;
            SendShutdownAck();
        }
        else if (State != SctpState.ShutdownReceived)
        {
            State = SctpState.ShutdownReceived;
        }

        CheckShutdownProgress();
        return SctpChunkResult.Continue;
    }

    private SctpChunkResult OnShutdownAck()
    {
        if (State is not (SctpState.ShutdownSent or SctpState.ShutdownAckSent))
        {
            return Ignore();
        }

        _control.Clear();
        EmitSingle(new ShutdownCompleteChunk(), _peerTag);
        Terminate(new SctpClosed(SctpCloseReason.Shutdown, "shutdown complete"));
        return SctpChunkResult.Stop;
    }

    private SctpChunkResult OnShutdownComplete()
    {
        if (State != SctpState.ShutdownAckSent)
        {
            return Ignore();
        }

        Terminate(new SctpClosed(SctpCloseReason.Shutdown, "shutdown complete"));
        return SctpChunkResult.Stop;
    }

    /// <summary>RFC 9260 §9.2: SHUTDOWN once our data is all acknowledged; SHUTDOWN-ACK likewise.</summary>
    private void CheckShutdownProgress()
    {
        if (!_tx.IsDrained)
        {
            return;
        }

        if (State == SctpState.ShutdownPending)
        {
            State = SctpState.ShutdownSent;
            _control.Enqueue(new ShutdownChunk { CumulativeTsnAck = (uint)_rx.CumulativeTsn });
            StartT2();
        }
        else if (State == SctpState.ShutdownReceived)
        {
            State = SctpState.ShutdownAckSent;
            SendShutdownAck();
        }
    }

    private void SendShutdownAck()
    {
        _control.Enqueue(new ShutdownAckChunk());
        StartT2();
    }

    private void StartT2()
    {
        _t2Count = 0;
        _heartbeatDeadlineNs = RtcTime.Never;
        _t2DeadlineNs = _now + _rto.RtoNs;
    }
}
