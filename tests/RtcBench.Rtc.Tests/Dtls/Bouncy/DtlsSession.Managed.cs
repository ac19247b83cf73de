using System.Buffers;
using System.Buffers.Binary;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The managed record layer of <see cref="DtlsSession"/>: after a handshake that negotiated 0xC02B, records are
/// protected with .NET's <see cref="System.Security.Cryptography.AesGcm"/> (<see cref="DtlsAeadRecordLayer"/>) and
/// BouncyCastle's thread ends. Receiving runs on the thread that calls <see cref="HandleDatagram(ReadOnlySpan{byte}, long)"/>
/// (the socket's receive thread) under the receive lock; sending runs on the caller of <see cref="Send"/> under the
/// send lock. Lock order: receive lock, then send lock.
/// </summary>
public sealed partial class DtlsSession
{
    private const int ManagedSendLimit = BcDatagramAdapter.SendLimit - DtlsAeadRecordLayer.Overhead;
    private const int MaxFlightReplays = 8;

    private readonly Lock _receiveLock = new();
    private readonly byte[] _plaintext = new byte[BcDatagramAdapter.ReceiveLimit];
    private readonly byte[] _record = new byte[BcDatagramAdapter.SendLimit];
    private DtlsAeadRecordLayer? _records;
    private byte[][] _finalFlight = [];
    private bool _direct;
    private bool _suppressReplay;
    private bool _writeClosed;
    private int _receiveDepth;
    private int _managedClosing;
    private long _managedDropped;
    private long _flightReplays;
    private long _ignoredHandshakeRecords;

    /// <summary>True once the session runs its own AES-GCM record layer (0xC02B negotiated and enabled).</summary>
    public bool UsesManagedRecordLayer => _managed is not null ? State is DtlsSessionState.Connected or DtlsSessionState.Closed : Volatile.Read(ref _direct);

    /// <summary>Records that failed authentication in the managed record layer (forged or corrupted).</summary>
    public long ForgedRecords => _managed is not null ? _managed.Engine.ForgedRecords : _records?.Forged ?? 0;

    /// <summary>Records the managed record layer's replay window discarded.</summary>
    public long ReplayedRecords => _managed is not null ? _managed.Engine.ReplayedRecords : _records?.Replayed ?? 0;

    /// <summary>How often our final handshake flight was sent again because the peer retransmitted its Finished.</summary>
    public long FinalFlightReplays => Interlocked.Read(ref _flightReplays);

    /// <summary>Handshake/ChangeCipherSpec records that arrived after the handshake and needed nothing from us.</summary>
    public long IgnoredHandshakeRecords => Interlocked.Read(ref _ignoredHandshakeRecords);

    /// <summary>
    /// On the DTLS thread, right after Connect/Accept returned: the negotiated keys, and the write sequence after the
    /// last record BouncyCastle encrypted (it may not encrypt anything after this). Null when not 0xC02B.
    /// </summary>
    private DtlsAeadRecordLayer? CreateManagedRecordLayer()
    {
        if (_peer.RecordKeys is not { } keys || _peer.Cipher is not { } cipher || _peer.Negotiated is not { } negotiated)
        {
            return null; // Another suite: BouncyCastle keeps the record layer (and its thread).
        }

        return new DtlsAeadRecordLayer(keys, negotiated.Version, cipher.SealAndGetNextWriteSequence());
    }

    /// <summary>
    /// On the DTLS thread, once connected: keeps our final flight for replays, then decrypts what BouncyCastle was
    /// handed but discarded (application data that arrived with or before the peer's Finished) and what is still
    /// queued, in arrival order, and from then on lets <see cref="HandleDatagram(ReadOnlySpan{byte}, long)"/> decrypt directly.
    /// </summary>
    private void SwitchToManagedReceive()
    {
        _finalFlight = _adapter.TakeLastFlight();
        lock (_receiveLock)
        {
            _suppressReplay = true; // The peer's Finished among these was answered by BouncyCastle already.
            foreach (var (datagram, receivedNs) in _adapter.TakeEarlyData())
            {
                ReceiveManaged(datagram, receivedNs);
            }

            _suppressReplay = false;
            while (_adapter.TryTakeQueued(out var buffer, out int length, out long receivedNs))
            {
                try
                {
                    ReceiveManaged(buffer.AsSpan(0, length), receivedNs);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            Volatile.Write(ref _direct, true);
        }
    }

    /// <summary>Under the receive lock: every record of one datagram. Bad records are dropped and counted.</summary>
    private void ReceiveManaged(ReadOnlySpan<byte> datagram, long receivedNs)
    {
        var records = _records!;
        if (State != DtlsSessionState.Connected)
        {
            Interlocked.Increment(ref _managedDropped);
            return;
        }

        bool authentic = false;
        bool replayFlight = false;
        byte[] plaintext = _receiveDepth == 0 ? _plaintext : ArrayPool<byte>.Shared.Rent(BcDatagramAdapter.ReceiveLimit);
        _receiveDepth++;
        try
        {
            while (datagram.Length >= DtlsRecordFilter.HeaderLength)
            {
                byte type = datagram[0];
                int length = DtlsRecordFilter.HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
                if (type is < 20 or > 24 || datagram[1] != 0xFE || length > datagram.Length)
                {
                    break; // Malformed: nothing after it can be framed either.
                }

                var record = datagram[..length];
                datagram = datagram[length..];
                int epoch = BinaryPrimitives.ReadUInt16BigEndian(record[3..]);
                if (epoch != DtlsAeadRecordLayer.Epoch)
                {
                    if (epoch == 0 && type is DtlsWire.Handshake or DtlsWire.ChangeCipherSpec)
                    {
                        Interlocked.Increment(ref _ignoredHandshakeRecords); // A retransmitted flight; its Finished (epoch 1) decides.
                    }

                    continue;
                }

                if (!records.TryDecrypt(record, plaintext, out int n))
                {
                    continue;
                }

                authentic = true;
                switch (type)
                {
                    case DtlsWire.ApplicationData:
                        if (!Deliver(plaintext.AsSpan(0, n), receivedNs))
                        {
                            return;
                        }

                        break;
                    case DtlsWire.Alert:
                        if (n == 2 && OnAlert(plaintext[0], plaintext[1]))
                        {
                            return;
                        }

                        break;
                    case DtlsWire.Handshake:
                        // The peer retransmitted its Finished: it lost our final flight (RFC 6347 §4.2.4).
                        replayFlight = !_suppressReplay;
                        Interlocked.Increment(ref _ignoredHandshakeRecords);
                        break;
                    default:
                        Interlocked.Increment(ref _ignoredHandshakeRecords);
                        break;
                }

                if (State != DtlsSessionState.Connected)
                {
                    return;
                }
            }
        }
        finally
        {
            _receiveDepth--;
            if (plaintext != _plaintext)
            {
                ArrayPool<byte>.Shared.Return(plaintext);
            }

            if (!authentic)
            {
                Interlocked.Increment(ref _managedDropped);
            }
        }

        if (replayFlight)
        {
            ReplayFinalFlight();
        }
    }

    /// <summary>Raises the data events; false when a handler threw (the session is then closed with Error).</summary>
    private bool Deliver(ReadOnlySpan<byte> data, long receivedNs)
    {
        try
        {
            DataReceivedAt?.Invoke(data, receivedNs);
            DataReceived?.Invoke(data);
            return true;
        }
        catch (Exception e)
        {
            Fault = e;
            CloseManaged(DtlsCloseReason.Error, sendCloseNotify: true);
            return false;
        }
    }

    /// <summary>RFC 5246 §7.2: close_notify is answered with our own; a fatal alert ends the session. True when closed.</summary>
    private bool OnAlert(byte level, byte description)
    {
        _peer.AlertReceived(level, description);
        if (level == DtlsWire.AlertFatal)
        {
            CloseManaged(DtlsCloseReason.PeerAlert, sendCloseNotify: false);
            return true;
        }

        if (description == DtlsWire.CloseNotify)
        {
            CloseManaged(DtlsCloseReason.PeerCloseNotify, sendCloseNotify: true);
            return true;
        }

        return false;
    }

    private void ReplayFinalFlight()
    {
        if (_finalFlight.Length == 0 || Interlocked.Read(ref _flightReplays) >= MaxFlightReplays)
        {
            return;
        }

        Interlocked.Increment(ref _flightReplays);
        lock (_adapter.SendLock)
        {
            if (_writeClosed)
            {
                return;
            }

            // Byte-identical copies of records the peer never received: no (epoch, sequence) is encrypted twice.
            foreach (var datagram in _finalFlight)
            {
                _sendDatagram(datagram);
            }
        }
    }

    private void SendManaged(ReadOnlySpan<byte> data)
    {
        if (data.Length > ManagedSendLimit)
        {
            throw new ArgumentException($"{data.Length} bytes exceed the DTLS send limit of {ManagedSendLimit}.", nameof(data));
        }

        lock (_adapter.SendLock)
        {
            if (_writeClosed)
            {
                throw new InvalidOperationException("The DTLS session is closed.");
            }

            int length = _records!.Encrypt(DtlsWire.ApplicationData, data, _record);
            _sendDatagram(_record.AsSpan(0, length));
        }
    }

    /// <summary>Ends a managed session once: optionally sends close_notify, marks it closed, raises <see cref="Closed"/>.</summary>
    private void CloseManaged(DtlsCloseReason reason, bool sendCloseNotify)
    {
        if (Interlocked.Exchange(ref _managedClosing, 1) != 0)
        {
            return; // The first reason wins (a reply to our close_notify can arrive while we send it).
        }

        lock (_stateLock)
        {
            _state = DtlsSessionState.Closed;
        }

        lock (_adapter.SendLock)
        {
            if (!_writeClosed)
            {
                _writeClosed = true;
                if (sendCloseNotify)
                {
                    try
                    {
                        Span<byte> alert = [DtlsWire.AlertWarning, DtlsWire.CloseNotify];
                        int length = _records!.Encrypt(DtlsWire.Alert, alert, _record);
                        _sendDatagram(_record.AsSpan(0, length));
                    }
                    catch (Exception)
                    {
                        // Best effort: the output callback may fail while the transport shuts down.
                    }
                }
            }
        }

        _adapter.Close();
        if (Interlocked.Exchange(ref _closedRaised, 1) == 0)
        {
            Closed?.Invoke(this, reason);
        }
    }

    /// <summary>Frees the AES-GCM keys once no thread can be inside the record layer.</summary>
    private void DisposeManaged()
    {
        lock (_receiveLock)
        {
            lock (_adapter.SendLock)
            {
                _writeClosed = true;
                _records?.Dispose();
            }
        }
    }
}
