namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Stream reset (RFC 6525): outgoing SSN reset requests and the responses to them, as data channels use it to close
/// (PROTOCOLS.md §1 Q2). Only one request of ours is outstanding at a time; request sequence numbers start at our
/// initial TSN (§5.1.1). Incoming, Add-Streams and SSN/TSN reset requests are answered "denied".
/// </summary>
public sealed partial class SctpAssociation
{
    private readonly SortedSet<ushort> _pendingResets = [];
    private bool _peerReConfig;
    private uint _nextReconfigRequestSeq;
    private uint _peerNextRequestSeq;
    private uint _lastPeerResult = ReconfigResponse.SuccessNothingToDo;
    private OutgoingSsnResetRequest? _reconfigInFlight;
    private long _reconfigDeadlineNs = RtcTime.Never;

    /// <summary>
    /// Resets our outgoing streams (the data channel close handshake). The request goes out once everything queued
    /// for those streams has been sent; <see cref="SctpStreamReset"/> (Incoming=false) reports success. Do not send on
    /// a stream while its reset is pending.
    /// </summary>
    public void ResetStreams(IReadOnlyList<ushort> streamIds)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        CompleteDeferredSack();
        if (State != SctpState.Established || _terminated)
        {
            throw new InvalidOperationException("streams can only be reset on an established association");
        }

        if (!_peerReConfig)
        {
            throw new InvalidOperationException("the peer did not announce RE-CONFIG support");
        }

        if (streamIds.Count == 0)
        {
            throw new ArgumentException("name at least one stream", nameof(streamIds));
        }

        _pendingResets.UnionWith(streamIds);
        TryStartReconfig();
    }

    private void TryStartReconfig()
    {
        if (_reconfigInFlight is not null || _pendingResets.Count == 0 || State != SctpState.Established ||
            _tx.HasQueuedFor(_pendingResets))
        {
            return;
        }

        _reconfigInFlight = new OutgoingSsnResetRequest(_nextReconfigRequestSeq++, _peerNextRequestSeq - 1,
            _tx.NextTsn - 1, [.. _pendingResets]);
        _pendingResets.Clear();
        SendReconfigRequest();
    }

    private void SendReconfigRequest()
    {
        _control.Enqueue(new ReConfigChunk { Items = [_reconfigInFlight!.ToTlv()] });
        _reconfigDeadlineNs = _now + _rto.RtoNs;
    }

    private void OnReconfigTimer()
    {
        if (_reconfigInFlight is null)
        {
            _reconfigDeadlineNs = RtcTime.Never;
            return;
        }

        _rto.BackOff();
        CountError("RE-CONFIG not answered after max retransmissions");
        if (!_terminated)
        {
            SendReconfigRequest();
        }
    }

    private SctpChunkResult OnReConfig(ReConfigChunk chunk)
    {
        if (State is not (SctpState.Established or SctpState.ShutdownPending or SctpState.ShutdownReceived))
        {
            return Ignore();
        }

        var responses = new List<SctpTlv>();
        foreach (var p in chunk.Items)
        {
            if (OutgoingSsnResetRequest.TryRead(p, out var req))
            {
                responses.Add(new ReconfigResponse(req.RequestSeq, OnPeerOutgoingReset(req)).ToTlv());
            }
            else if (ReconfigResponse.TryRead(p, out var resp))
            {
                OnReconfigResponse(resp);
            }
            else if (p.Type is SctpParameterType.IncomingSsnResetRequest or SctpParameterType.SsnTsnResetRequest
                     or SctpParameterType.AddOutgoingStreamsRequest or SctpParameterType.AddIncomingStreamsRequest
                     && p.Value.Length >= 4)
            {
                var seq = (uint)((p.Value[0] << 24) | (p.Value[1] << 16) | (p.Value[2] << 8) | p.Value[3]);
                responses.Add(new ReconfigResponse(seq, ReconfigResponse.Denied).ToTlv());
            }
            else
            {
                Stats.IgnoredChunks++;
            }
        }

        if (responses.Count > 0)
        {
            _control.Enqueue(new ReConfigChunk { Items = responses });
        }

        return SctpChunkResult.Continue;
    }

    /// <summary>RFC 6525 §5.2.2: reset our incoming streams once all data up to the sender's last TSN arrived.</summary>
    private uint OnPeerOutgoingReset(OutgoingSsnResetRequest req)
    {
        if (req.RequestSeq == _peerNextRequestSeq - 1)
        {
            return _lastPeerResult; // retransmission of the request we last answered
        }

        if (req.RequestSeq != _peerNextRequestSeq)
        {
            return ReconfigResponse.ErrorBadSequenceNumber;
        }

        if (_rx.Unwrap(req.SendersLastAssignedTsn) > _rx.CumulativeTsn)
        {
            return ReconfigResponse.InProgress; // the sender retries this same request later
        }

        _peerNextRequestSeq++;
        _reassembler.ResetStreams(req.Streams);
        Emit(new SctpStreamReset(req.Streams, Incoming: true));
        _lastPeerResult = ReconfigResponse.SuccessPerformed;
        return _lastPeerResult;
    }

    private void OnReconfigResponse(ReconfigResponse resp)
    {
        if (_reconfigInFlight is not { } req || resp.ResponseSeq != req.RequestSeq)
        {
            Stats.IgnoredChunks++;
            return;
        }

        if (resp.Result == ReconfigResponse.InProgress)
        {
            return; // keep the timer running; the request is retransmitted
        }

        _reconfigInFlight = null;
        _reconfigDeadlineNs = RtcTime.Never;
        _errorCount = 0;
        if (resp.Result is ReconfigResponse.SuccessPerformed or ReconfigResponse.SuccessNothingToDo)
        {
            _tx.ResetOutgoingSsn(req.Streams);
            Emit(new SctpStreamReset(req.Streams, Incoming: false));
        }

        TryStartReconfig();
    }
}
