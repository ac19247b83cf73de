namespace RtcBench.Rtc.Sctp;

/// <summary>PR-SCTP on the send side (RFC 3758 §3.5): abandoning messages and announcing it with FORWARD-TSN.</summary>
internal sealed partial class SctpSender
{
    public ForwardTsnChunk BuildForwardTsn()
    {
        ForwardTsnPending = false;
        var streams = new Dictionary<ushort, ushort>();
        foreach (var c in _inflight)
        {
            if (c.Tsn > _advancedPeerAck)
            {
                break;
            }

            if (c.Abandoned && !c.Chunk.Unordered &&
                (!streams.TryGetValue(c.Chunk.StreamId, out var ssn) || SctpSerial.SsnLess(ssn, c.Chunk.Ssn)))
            {
                streams[c.Chunk.StreamId] = c.Chunk.Ssn;
            }
        }

        _stats.ForwardTsnsSent++;
        return new ForwardTsnChunk
        {
            NewCumulativeTsn = (uint)_advancedPeerAck,
            Streams = [.. streams.Select(kv => (kv.Key, kv.Value))],
        };
    }

    /// <summary>RFC 3758 §3.5: abandon every chunk of the message, sent or not.</summary>
    private void Abandon(SctpOutboundMessage m)
    {
        if (m.Abandoned)
        {
            return;
        }

        m.Abandoned = true;
        _stats.MessagesAbandoned++;
        foreach (var c in _inflight)
        {
            if (c.Message == m)
            {
                c.Abandoned = true;
                c.MarkedForRetransmit = false;
                SetInFlight(c, false);
            }
        }

        if (m.Offset < m.Length)
        {
            BufferedBytes -= m.Length - m.Offset;
            m.Offset = m.Length;
        }

        UpdateAdvancedPeerAck();
    }

    /// <summary>RFC 3758 §3.5 C1–C2: move the advanced peer ack point over abandoned chunks.</summary>
    private void UpdateAdvancedPeerAck()
    {
        if (!PeerSupportsForwardTsn || _inflight.Count == 0)
        {
            return;
        }

        var first = _inflight[0].Tsn;
        var i = _advancedPeerAck + 1 - first;
        while (i >= 0 && i < _inflight.Count && (_inflight[(int)i].Abandoned))
        {
            _advancedPeerAck++;
            i++;
        }

        ForwardTsnPending |= _advancedPeerAck > _cumAck;
    }
}
