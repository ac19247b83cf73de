using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Org.BouncyCastle.Tls;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The <see cref="DatagramTransport"/> BouncyCastle's blocking DTLS engine reads from and writes to.
/// <list type="bullet">
/// <item><see cref="Receive"/> blocks on a bounded queue for exactly <c>waitMillis</c> (0 = forever, BouncyCastle's
/// convention) and returns -1 on timeout; <see cref="Close"/> wakes it at once and it then throws
/// <see cref="DtlsTransportClosedException"/>.</item>
/// <item>The processing lock: when <see cref="Receive"/> hands BouncyCastle a datagram, the receiving thread takes
/// <see cref="SendLock"/> and keeps it until it next blocks in <see cref="Receive"/> (or calls
/// <see cref="ReleaseProcessingLock"/>). Everything BouncyCastle does on its own thread in between (replies to
/// close_notify, retransmits the final flight, alerts) is therefore serialised with application sends, which take
/// the same lock.</item>
/// </list>
/// </summary>
internal sealed class BcDatagramAdapter : DatagramTransport, IDisposable
{
    internal const int ReceiveLimit = 1500;
    internal const int SendLimit = 1200;
    private const int MaxFlightDatagrams = 16;
    private const int MaxEarlyData = 16;

    private readonly BlockingCollection<(byte[] Buffer, int Length, long ReceivedNs)> _queue;
    private readonly CancellationTokenSource _closed = new();
    private readonly DtlsBytesHandler _output;
    private readonly List<byte[]> _lastFlight = [];
    private readonly List<(byte[] Datagram, long ReceivedNs)> _earlyData = [];
    private long _dropped;

    internal BcDatagramAdapter(int capacity, DtlsBytesHandler output)
    {
        _queue = new BlockingCollection<(byte[], int, long)>(new ConcurrentQueue<(byte[], int, long)>(), capacity);
        _output = output;
    }

    internal Lock SendLock { get; } = new();

    internal bool IsClosed => _closed.IsCancellationRequested;

    internal long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// The receive time given with the datagram <see cref="Receive"/> last handed to BouncyCastle. Read it on the DTLS
    /// thread right after <c>DtlsTransport.Receive</c> returns: the records of one datagram are decrypted before the
    /// engine asks for the next datagram, so it is the time of the datagram that completed the returned record.
    /// </summary>
    internal long LastReceivedNs { get; private set; }

    /// <summary>Called by the socket side on any thread. Never blocks: a full queue drops the datagram.</summary>
    internal void Enqueue(ReadOnlySpan<byte> datagram, long receivedNs = 0)
    {
        if (datagram.Length < DtlsRecordFilter.HeaderLength || datagram.Length > ReceiveLimit || IsClosed)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        bool added;
        try
        {
            added = _queue.TryAdd((buffer, datagram.Length, receivedNs));
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            added = false; // Closed (or disposed) concurrently.
        }

        if (!added)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _dropped);
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        ReleaseProcessingLock();
        long deadline = waitMillis > 0 ? Stopwatch.GetTimestamp() + (waitMillis * Stopwatch.Frequency / 1000) : long.MaxValue;
        while (true)
        {
            int wait = deadline == long.MaxValue ? Timeout.Infinite : RemainingMillis(deadline);
            if (wait == 0)
            {
                return -1;
            }

            (byte[] Buffer, int Length, long ReceivedNs) item;
            try
            {
                if (!_queue.TryTake(out item, wait, _closed.Token))
                {
                    if (deadline != long.MaxValue && RemainingMillis(deadline) == 0)
                    {
                        return -1;
                    }

                    continue;
                }
            }
            catch (OperationCanceledException)
            {
                throw new DtlsTransportClosedException();
            }

            int n;
            try
            {
                n = DtlsRecordFilter.Filter(item.Buffer.AsSpan(0, item.Length), buffer);
                if (n > 0 && KeepEarlyData && _earlyData.Count < MaxEarlyData && DtlsRecordFilter.HasApplicationDataOrAlert(buffer[..n]))
                {
                    _earlyData.Add((buffer[..n].ToArray(), item.ReceivedNs));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }

            if (n == 0)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }

            LastReceivedNs = item.ReceivedNs;
            SendLock.Enter();
            _lastFlight.Clear(); // What BouncyCastle sends from here on answers this datagram.
            if (IsClosed)
            {
                SendLock.Exit();
                throw new DtlsTransportClosedException();
            }

            return n;
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (IsClosed)
        {
            throw new DtlsTransportClosedException();
        }

        lock (SendLock)
        {
            if (_lastFlight.Count < MaxFlightDatagrams)
            {
                _lastFlight.Add(buffer.ToArray());
            }

            _output(buffer);
        }
    }

    /// <summary>
    /// Keep copies of datagrams carrying application data that BouncyCastle is handed during the handshake (it
    /// discards application data until the handshake completes); <see cref="TakeEarlyData"/> returns them.
    /// </summary>
    internal bool KeepEarlyData { get; set; }

    /// <summary>
    /// The datagrams BouncyCastle sent in answer to the last datagram it was handed: once the handshake has
    /// completed, its final flight (the server's ChangeCipherSpec + Finished in a full handshake). Call on the DTLS
    /// thread after Connect/Accept returned.
    /// </summary>
    internal byte[][] TakeLastFlight()
    {
        lock (SendLock)
        {
            var flight = _lastFlight.ToArray();
            _lastFlight.Clear();
            return flight;
        }
    }

    /// <summary>The datagrams kept by <see cref="KeepEarlyData"/>, in arrival order; clears the list.</summary>
    internal (byte[] Datagram, long ReceivedNs)[] TakeEarlyData()
    {
        var early = _earlyData.ToArray();
        _earlyData.Clear();
        KeepEarlyData = false;
        return early;
    }

    /// <summary>Takes the next datagram still queued (never blocks); the caller returns the buffer to the pool.</summary>
    internal bool TryTakeQueued(out byte[] buffer, out int length, out long receivedNs)
    {
        try
        {
            if (_queue.TryTake(out var item))
            {
                (buffer, length, receivedNs) = item;
                return true;
            }
        }
        catch (ObjectDisposedException)
        {
            // Disposed concurrently: nothing left.
        }

        buffer = [];
        length = 0;
        receivedNs = 0;
        return false;
    }

    /// <summary>Stops the adapter: wakes a blocked <see cref="Receive"/>, drops what is queued. Idempotent.</summary>
    public void Close()
    {
        if (IsClosed)
        {
            return;
        }

        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        _queue.CompleteAdding();
        while (_queue.TryTake(out var item))
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    /// <summary>Closes and frees the queue. Only once no thread can still be inside <see cref="Receive"/>.</summary>
    public void Dispose()
    {
        Close();
        _queue.Dispose();
        _closed.Dispose();
    }

    /// <summary>Releases the processing lock if the calling thread holds it (see the class remarks).</summary>
    internal void ReleaseProcessingLock()
    {
        if (SendLock.IsHeldByCurrentThread)
        {
            SendLock.Exit();
        }
    }

    private static int RemainingMillis(long deadline)
    {
        long ticks = deadline - Stopwatch.GetTimestamp();
        if (ticks <= 0)
        {
            return 0;
        }

        long ms = (ticks * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency;
        return (int)Math.Min(ms, int.MaxValue);
    }
}
