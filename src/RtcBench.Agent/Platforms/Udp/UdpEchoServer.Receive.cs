using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using RtcBench.Core.Protocol;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Platforms.Udp;

/// <summary>The receive thread and the per-datagram path of <see cref="UdpEchoServer"/>.</summary>
public sealed partial class UdpEchoServer
{
    private readonly byte[] _receiveBuffer;
    private readonly byte[] _sendBuffer;
    private readonly Lock _sampleLock = new();
    private long _sampleDatagrams;
    private long _sampleAllocatedBytes;

    private long _received;
    private long _echoed;
    private long _droppedMalformed;
    private long _droppedUnknownRoom;
    private long _droppedBadToken;
    private long _droppedReplayed;
    private long _droppedExpired;
    private long _droppedOversize;
    private long _droppedInjected;
    private long _droppedProbeRateLimited;
    private long _droppedProbeTooSmall;
    private long _socketErrors;

    /// <summary>
    /// Diagnostics for the zero-allocation test: the number of datagrams the receive thread had handled and
    /// <see cref="GC.GetAllocatedBytesForCurrentThread"/> on that thread, sampled together at the top of the loop
    /// (after the previous datagram was fully handled, before blocking for the next).
    /// </summary>
    internal (long Datagrams, long AllocatedBytes) ReceiveThreadAllocationSample()
    {
        lock (_sampleLock)
        {
            return (_sampleDatagrams, _sampleAllocatedBytes);
        }
    }

    private void ReceiveLoop()
    {
        var address = new System.Net.SocketAddress(_socket.AddressFamily);
        long handled = 0;
        while (!_stopping)
        {
            lock (_sampleLock)
            {
                _sampleDatagrams = handled;
                _sampleAllocatedBytes = GC.GetAllocatedBytesForCurrentThread();
            }
            int length;
            try
            {
                length = _socket.ReceiveFrom(_receiveBuffer, SocketFlags.None, address);
            }
            catch (SocketException ex)
            {
                if (_stopping)
                {
                    break;
                }
                // ICMP errors from earlier sends (ConnectionReset/Refused) and truncated datagrams land here;
                // neither may stop the loop.
                if (ex.SocketErrorCode == SocketError.MessageSize)
                {
                    Interlocked.Increment(ref _received);
                    Interlocked.Increment(ref _droppedOversize);
                    handled++;
                }
                else
                {
                    Interlocked.Increment(ref _socketErrors);
                }
                continue;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            long rxNs = _clock.NowNs();
            handled++;
            try
            {
                Handle(length, rxNs, address);
            }
            catch (Exception)
            {
                // Unreachable for any input we know of; a defect must neither stop the echo for every other room
                // nor, escaping this thread, the process.
                Interlocked.Increment(ref _droppedMalformed);
            }
        }
    }

    private void Handle(int length, long rxNs, System.Net.SocketAddress from)
    {
        Interlocked.Increment(ref _received);
        if (length > UdpFrame.MaxDatagram)
        {
            Interlocked.Increment(ref _droppedOversize);
            return;
        }
        ReadOnlySpan<byte> datagram = _receiveBuffer.AsSpan(0, length);
        if (!UdpFrame.TryReadHeader(datagram, out byte type, out Guid roomId, out var token, out var payload)
            || type != UdpFrame.TypeToEcho)
        {
            Interlocked.Increment(ref _droppedMalformed);
            return;
        }
        if (!_rooms.TryGetValue(roomId, out var room))
        {
            Interlocked.Increment(ref _droppedUnknownRoom);
            return;
        }
        if (!room.TokenMatches(token))
        {
            Interlocked.Increment(ref _droppedBadToken);
            return;
        }
        if (room.IsClosed || rxNs >= room.ExpiresAtNs)
        {
            Interlocked.Increment(ref _droppedExpired);
            return;
        }
        if (!PingCodec.TryReadPing(payload, out var ping))
        {
            Interlocked.Increment(ref _droppedMalformed);
            return;
        }
        // Replays (pings and probes alike) are dropped before anything else: they are neither answered nor activity.
        if (!room.TryAcceptSeq(ping.RunId, ping.Seq))
        {
            Interlocked.Increment(ref _droppedReplayed);
            return;
        }
        if (ping.Seq < 0)
        {
            // A readiness probe: within the room's budget, answered with no more bytes than it carried.
            if (!room.TryTakeProbe(rxNs))
            {
                Interlocked.Increment(ref _droppedProbeRateLimited);
                return;
            }
            SendPong(datagram[..UdpFrame.HeaderLength], ping, rxNs, room, from, _sendBuffer, payload.Length);
            return;
        }
        room.Tally.Seen(rxNs);
        int dropEvery = _faults.DropEvery;
        if (dropEvery > 0 && ping.Seq % dropEvery == dropEvery - 1)
        {
            Interlocked.Increment(ref _droppedInjected);
            return;
        }
        if (_faults.Delay is { } delay && _faults.DelayBy > TimeSpan.Zero && delay(ping.Seq))
        {
            ScheduleDelayedPong(datagram[..UdpFrame.HeaderLength], ping, rxNs, room, from);
            return;
        }
        SendPong(datagram[..UdpFrame.HeaderLength], ping, rxNs, room, from, _sendBuffer, int.MaxValue);
    }

    /// <summary>
    /// Writes and sends the pong, at most <paramref name="maxBody"/> bytes of JSON (a probe's own size; a pong that
    /// cannot fit even without padding is not sent and counts as <c>dropped_probe_too_small</c>). The pong is encoded
    /// with a provisional <c>tx</c>; then <c>tx</c> is read again immediately before <c>SendTo</c> and patched into
    /// place (same width, which is all but always the case; else the pong is re-encoded), so the echo's processing
    /// time (tx − rx) covers parsing, checks and encoding.
    /// </summary>
    private void SendPong(
        ReadOnlySpan<byte> header, in PingFields ping, long rxNs, UdpEchoRoom room, System.Net.SocketAddress to, byte[] buffer, int maxBody)
    {
        header.CopyTo(buffer);
        buffer[3] = UdpFrame.TypeFromEcho;
        Span<byte> body = buffer.AsSpan(UdpFrame.HeaderLength);
        int n = WritePongWithin(body, ping, rxNs, _clock.NowNs(), maxBody);
        long txNs = _clock.NowNs();
        if (n >= 0 && !TryPatchTx(body[..n], txNs))
        {
            n = WritePongWithin(body, ping, rxNs, txNs, maxBody);
        }
        if (n < 0)
        {
            Interlocked.Increment(ref _droppedProbeTooSmall);
            return;
        }
        // Counted before the pong leaves, so whoever has received it also sees it counted (a counter bumped after
        // SendTo can lag the pong the client already holds); taken back if the send fails.
        Interlocked.Increment(ref _echoed);
        room.Tally.Answering(txNs);
        try
        {
            _socket.SendTo(buffer.AsSpan(0, UdpFrame.HeaderLength + n), SocketFlags.None, to);
        }
        catch (SocketException)
        {
            Interlocked.Decrement(ref _echoed);
            room.Tally.NotSent();
            Interlocked.Increment(ref _socketErrors);
        }
        catch (ObjectDisposedException)
        {
            Interlocked.Decrement(ref _echoed);
            room.Tally.NotSent();
        }
    }

    /// <summary>
    /// Encodes the pong in at most <paramref name="maxBody"/> bytes by trimming its padding (the whole pad field if
    /// need be); -1 when even the unpadded pong is larger. With no limit this is <see cref="PingCodec.WritePong"/>.
    /// </summary>
    private int WritePongWithin(Span<byte> body, in PingFields ping, long rxNs, long txNs, int maxBody)
    {
        int n = PingCodec.WritePong(body, ping, rxNs, txNs, _wallAnchorUs);
        if (n <= maxBody)
        {
            return n;
        }
        // Fewer pad bytes by the excess gives exactly maxBody; with no pad left the ,"pad":"" field goes too.
        int pad = Math.Max(0, ping.PadLength - (n - maxBody));
        n = PingCodec.WritePong(body, ping with { PadLength = pad }, rxNs, txNs, _wallAnchorUs);
        return n <= maxBody ? n : -1;
    }

    /// <summary>
    /// Overwrites the <c>"tx"</c> value of an encoded pong with <paramref name="txNs"/> (µs with three decimals, as
    /// <see cref="PingCodec"/> writes it) when the new value has the same width. <c>,"tx":</c> occurs once: the only
    /// strings before it are the hex run id, and padding comes after it.
    /// </summary>
    internal static bool TryPatchTx(Span<byte> pong, long txNs)
    {
        int key = pong.IndexOf(",\"tx\":"u8);
        if (key < 0)
        {
            return false;
        }
        int start = key + 6;
        int length = pong[start..].IndexOf((byte)',');
        if (length <= 0)
        {
            return false;
        }
        Span<byte> text = stackalloc byte[32];
        if (!Utf8Formatter.TryFormat(txNs / 1000, text, out int whole))
        {
            return false;
        }
        text[whole] = (byte)'.';
        if (!Utf8Formatter.TryFormat(txNs % 1000, text[(whole + 1)..], out int frac, new StandardFormat('D', 3)))
        {
            return false;
        }
        int total = whole + 1 + frac;
        if (total != length)
        {
            return false;
        }
        text[..total].CopyTo(pong.Slice(start, length));
        return true;
    }

    /// <summary>Fault injection only: holds a pong back and sends it from a timer (allocation is fine here).</summary>
    private void ScheduleDelayedPong(ReadOnlySpan<byte> header, PingFields ping, long rxNs, UdpEchoRoom room, System.Net.SocketAddress from)
    {
        var to = new System.Net.SocketAddress(from.Family, from.Size);
        from.Buffer.CopyTo(to.Buffer);
        var pending = new DelayedPong(header.ToArray(), ping, rxNs, room, to);
        pending.Timer = _clock.Provider.CreateTimer(
            static state =>
            {
                var (server, p) = ((UdpEchoServer, DelayedPong))state!;
                p.Timer?.Dispose();
                if (server._stopping)
                {
                    return;
                }
                try
                {
                    server.SendPong(p.Header, p.Ping, p.RxNs, p.Room, p.To, new byte[UdpFrame.MaxDatagram + 256], int.MaxValue);
                }
                catch (Exception)
                {
                    // A timer callback must never throw; the pong is simply lost, and counted.
                    Interlocked.Increment(ref server._socketErrors);
                }
            },
            (this, pending),
            _faults.DelayBy,
            Timeout.InfiniteTimeSpan);
    }

    private sealed class DelayedPong(byte[] header, PingFields ping, long rxNs, UdpEchoRoom room, System.Net.SocketAddress to)
    {
        public byte[] Header { get; } = header;
        public PingFields Ping { get; } = ping;
        public long RxNs { get; } = rxNs;
        public UdpEchoRoom Room { get; } = room;
        public System.Net.SocketAddress To { get; } = to;
        public ITimer? Timer { get; set; }
    }
}
