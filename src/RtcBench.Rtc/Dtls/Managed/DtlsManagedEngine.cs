using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// A sans-IO DTLS 1.2 endpoint on .NET's own crypto for TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 only (ECDHE P-256,
/// ECDSA P-256 certificates checked against the SDP fingerprint, extended master secret required, use_srtp).
/// No threads, locks, clocks or sockets: time (monotonic ns) and datagrams go in through <see cref="HandleDatagram"/>,
/// <see cref="HandleTimeout"/>, <see cref="Send"/> and <see cref="Close"/>; datagrams, events and the next deadline
/// come out of <see cref="PollOutput"/>; drain it after every input. Nothing a peer sends throws: bad records are
/// dropped and counted. After the handshake the records go through <see cref="DtlsAeadRecordLayer"/> (the same layer
/// the BouncyCastle path hands over to) without allocating.
/// This file: records in, outputs, alerts, timers (datagrams out: <see cref="DtlsFlightWriter"/>). The handshake itself: <see cref="DtlsManagedClient"/>,
/// <see cref="DtlsManagedServer"/>.
/// </summary>
internal abstract class DtlsManagedEngine : IDisposable
{
    internal const int DefaultMtu = 1200;
    private const int RecordHeaderLength = DtlsAeadRecordLayer.HeaderLength;
    private const int MaxEarlyData = 16;
    private const int PooledBufferLength = 2048;

    private readonly Queue<Pending> _outputs = new();
    private readonly Stack<byte[]> _pool = new();
    private readonly Queue<byte[]> _earlyData = new();
    private byte[]? _lent;
    private readonly DtlsFlightWriter _writer;
    private long _handshakeDeadlineNs = long.MaxValue;
    private bool _retransmitRequested;

    protected DtlsManagedEngine(DtlsSessionOptions options, int mtu)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (mtu is < 256 or > 65507)
        {
            throw new ArgumentOutOfRangeException(nameof(mtu), mtu, "The MTU must be in [256, 65507].");
        }

        Options = options;
        Mtu = mtu;
        _writer = new DtlsFlightWriter(mtu);
        SigningKey = options.Certificate.CreateSigningKey();
    }

    internal DtlsSessionOptions Options { get; }

    internal int Mtu { get; }

    internal DtlsRole Role => Options.Role;

    internal DtlsManagedState State { get; private set; } = DtlsManagedState.New;

    /// <summary>The largest payload <see cref="Send"/> takes (1163 for a 1200-byte MTU).</summary>
    internal int SendLimit => Mtu - DtlsAeadRecordLayer.Overhead;

    internal DtlsNegotiatedParameters? Negotiated { get; private set; }

    internal DtlsSrtpKeyingMaterial? SrtpKeyingMaterial { get; private set; }

    internal DtlsFailureReason? FailureReason { get; private set; }

    internal string? FailureMessage { get; private set; }

    internal DtlsCloseReason? CloseReason { get; private set; }

    /// <summary>The fatal alert description the peer sent, or null.</summary>
    internal int? PeerAlert { get; private set; }

    /// <summary>The alert involved in the failure (the peer's, or the one we sent; 0 for the peer's close_notify), or null.</summary>
    internal int? FailureAlert { get; private set; }

    /// <summary>The fatal alert we sent when the handshake failed here, or null.</summary>
    internal int? SentAlert { get; private set; }

    /// <summary>Datagrams that carried no acceptable record (malformed, forged, replayed, or not for this state).</summary>
    internal long DroppedDatagrams { get; private set; }

    /// <summary>Records with a bad header or length, or handshake fragments that did not parse.</summary>
    internal long MalformedRecords { get; private set; }

    internal long ForgedRecords => Records?.Forged ?? 0;

    internal long ReplayedRecords => Records?.Replayed ?? 0;

    /// <summary>How often a flight was sent again (timer or the peer's retransmission).</summary>
    internal long Retransmissions { get; private set; }

    protected ECDsa SigningKey { get; }

    /// <summary>Epoch-1 protection, once the keys are derived (client: after ServerHelloDone; server: after ClientKeyExchange).</summary>
    protected DtlsAeadRecordLayer? Records { get; private set; }

    protected DtlsHandshakeReassembler Reassembler { get; } = new();

    /// <summary>The handshake messages so far, as the transcript hash sees them (RFC 6347 §4.2.6).</summary>
    protected DtlsHandshakeWriter Transcript { get; private set; } = new();

    protected DtlsFlight? Flight { get; private set; }

    /// <summary>The message_seq our next handshake message carries.</summary>
    protected int NextWriteMessageSequence { get; set; }

    protected byte[] ClientRandom { get; set; } = [];

    protected byte[] ServerRandom { get; set; } = [];

    protected byte[] MasterSecret { get; private set; } = [];

    protected DtlsSrtpProfile SrtpProfile { get; set; }

    internal static DtlsManagedEngine Create(DtlsSessionOptions options, int mtu = DefaultMtu) =>
        options?.Role == DtlsRole.Server ? new DtlsManagedServer(options, mtu) : new DtlsManagedClient(options!, mtu);

    /// <summary>Starts the handshake clock (and, as client, sends the ClientHello). Call once.</summary>
    internal void Start(long nowNs)
    {
        if (State != DtlsManagedState.New)
        {
            throw new InvalidOperationException("The engine was already started.");
        }

        State = DtlsManagedState.Handshaking;
        _handshakeDeadlineNs = nowNs + (long)(Options.HandshakeTimeout.TotalMilliseconds * 1_000_000);
        OnStart(nowNs);
    }

    /// <summary>Handles one received datagram. Never throws on its content.</summary>
    internal void HandleDatagram(long nowNs, ReadOnlySpan<byte> datagram)
    {
        if (State is not (DtlsManagedState.Handshaking or DtlsManagedState.Connected))
        {
            DroppedDatagrams++;
            return;
        }

        bool accepted = false;
        _retransmitRequested = false;
        while (datagram.Length >= RecordHeaderLength && State is DtlsManagedState.Handshaking or DtlsManagedState.Connected)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);
            if (datagram[1] != 0xFE || RecordHeaderLength + length > datagram.Length)
            {
                MalformedRecords++;
                break;
            }

            accepted |= HandleRecord(nowNs, datagram[..(RecordHeaderLength + length)]);
            datagram = datagram[(RecordHeaderLength + length)..];
        }

        if (!accepted)
        {
            DroppedDatagrams++;
        }

        if (_retransmitRequested && State is DtlsManagedState.Handshaking or DtlsManagedState.Connected && Flight is { } flight)
        {
            SendFlight(nowNs, flight);
        }
    }

    /// <summary>
    /// The connected session's common case without the output queue: a datagram that is exactly one epoch-1
    /// application-data record is authenticated and decrypted into <paramref name="plaintext"/>, its length in
    /// <paramref name="length"/> (-1 when it did not authenticate or was a replay: dropped and counted as
    /// <see cref="HandleDatagram"/> counts it). False, with nothing done, for anything else (another state, record type
    /// or epoch, several records, a malformed header, a record larger than <paramref name="plaintext"/>): hand it to
    /// <see cref="HandleDatagram"/>.
    /// </summary>
    internal bool TryOpenApplicationData(ReadOnlySpan<byte> datagram, Span<byte> plaintext, out int length)
    {
        length = -1;
        if (State != DtlsManagedState.Connected || Records is not { } records || datagram.Length < DtlsAeadRecordLayer.Overhead
            || datagram[0] != DtlsWire.ApplicationData || datagram[1] != 0xFE
            || RecordHeaderLength + BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]) != datagram.Length
            || BinaryPrimitives.ReadUInt16BigEndian(datagram[3..]) != DtlsAeadRecordLayer.Epoch
            || datagram.Length - DtlsAeadRecordLayer.Overhead > plaintext.Length)
        {
            return false;
        }

        if (!records.TryDecrypt(datagram, plaintext, out length))
        {
            length = -1;
            DroppedDatagrams++;
        }

        return true;
    }

    /// <summary>Fires the flight timer and the handshake timeout when due.</summary>
    internal void HandleTimeout(long nowNs)
    {
        if (State != DtlsManagedState.Handshaking)
        {
            return;
        }

        if (nowNs >= _handshakeDeadlineNs)
        {
            Fail(DtlsFailureReason.Timeout, $"The DTLS handshake did not finish within {Options.HandshakeTimeout.TotalSeconds:0.###} s.", alert: -1);
            return;
        }

        if (Flight is { } flight && nowNs >= flight.DeadlineNs)
        {
            SendFlight(nowNs, flight);
        }
    }

    /// <summary>The next output: a datagram, an event, or (when nothing is pending) the next deadline.</summary>
    internal DtlsOutput PollOutput()
    {
        ReleaseLent();
        if (_outputs.TryDequeue(out var pending))
        {
            if (pending.Pooled)
            {
                _lent = pending.Buffer;
            }

            return new DtlsOutput(pending.Kind, pending.Buffer is null ? default : pending.Buffer.AsMemory(0, pending.Length), 0);
        }

        return new DtlsOutput(DtlsOutputKind.Timeout, default, NextTimeoutNs);
    }

    internal long NextTimeoutNs => State != DtlsManagedState.Handshaking
        ? long.MaxValue
        : Math.Min(_handshakeDeadlineNs, Flight?.DeadlineNs ?? long.MaxValue);

    /// <summary>Encrypts one application-data record into a transmit output. Connected only; no allocation once warm.</summary>
    internal void Send(ReadOnlySpan<byte> data)
    {
        if (State != DtlsManagedState.Connected || Records is null)
        {
            throw new InvalidOperationException($"The DTLS session is {State}, not connected.");
        }

        if (data.Length > SendLimit)
        {
            throw new ArgumentException($"{data.Length} bytes exceed the send limit of {SendLimit}.", nameof(data));
        }

        byte[] buffer = Rent(data.Length + DtlsAeadRecordLayer.Overhead);
        int written = Records.Encrypt(DtlsWire.ApplicationData, data, buffer);
        _outputs.Enqueue(new Pending(DtlsOutputKind.Transmit, buffer, written, Pooled: buffer.Length == PooledBufferLength));
    }

    /// <summary>Sends close_notify when connected and ends the session (<see cref="DtlsCloseReason.Local"/>); during the handshake it fails it as Cancelled.</summary>
    internal void Close()
    {
        if (State == DtlsManagedState.Connected)
        {
            SendAlert(DtlsWire.AlertWarning, DtlsWire.CloseNotify);
            EndConnected(DtlsCloseReason.Local);
        }
        else if (State is DtlsManagedState.New or DtlsManagedState.Handshaking)
        {
            Fail(DtlsFailureReason.Cancelled, "The DTLS session was closed before the handshake finished.", alert: -1);
        }
    }

    public void Dispose()
    {
        ReleaseLent();
        Records?.Dispose();
        SigningKey.Dispose();
        OnDispose();
    }

    protected abstract void OnStart(long nowNs);

    /// <summary>One complete handshake message, in order. <paramref name="epoch"/> is the epoch it arrived in.</summary>
    protected abstract void OnMessage(long nowNs, byte type, byte[] body, int epoch);

    /// <summary>
    /// True when a retransmitted message of <paramref name="type"/> (from a record of <paramref name="epoch"/>) ends the
    /// peer's previous flight, so our current flight must go again.
    /// </summary>
    protected abstract bool EndsPeersRetransmittedFlight(byte type, int epoch);

    /// <summary>Server hook for fragments that arrive before a ClientHello was accepted. True if consumed.</summary>
    protected virtual bool OnHandshakeFragmentBeforeHello(long nowNs, ReadOnlySpan<byte> fragment, long recordSequence) => false;

    protected virtual void OnDispose()
    {
    }

    /// <summary>Appends a message to the transcript in its unfragmented DTLS form.</summary>
    protected void AddToTranscript(byte type, int messageSequence, ReadOnlySpan<byte> body) =>
        Transcript.U8(type).U24(body.Length).U16(messageSequence).U24(0).U24(body.Length).Bytes(body);

    protected void ResetTranscript() => Transcript = new DtlsHandshakeWriter();

    protected byte[] TranscriptBytes() => Transcript.ToArray();

    protected byte[] TranscriptHash() => SHA256.HashData(Transcript.ToArray());

    /// <summary>RFC 7627: the master secret from the premaster and the transcript through ClientKeyExchange; then the record keys.</summary>
    protected void DeriveKeys(byte[] preMaster)
    {
        MasterSecret = DtlsPrf.ExtendedMasterSecret(preMaster, TranscriptHash());
        CryptographicOperations.ZeroMemory(preMaster);
        byte[] keyBlock = DtlsPrf.KeyBlock(MasterSecret, ClientRandom, ServerRandom);
        Records = new DtlsAeadRecordLayer(DtlsRecordKeys.FromKeyBlock(Role, keyBlock), DtlsHandshakeType.Dtls12, 0);
        CryptographicOperations.ZeroMemory(keyBlock);
    }

    protected byte[] FinishedVerifyData(DtlsRole sender) => DtlsPrf.VerifyData(MasterSecret, sender, TranscriptHash());

    /// <summary>Makes <paramref name="flight"/> current and sends it (the previous flight's timer stops).</summary>
    protected void StartFlight(long nowNs, DtlsFlight flight)
    {
        Flight?.Stop();
        Flight = flight;
        SendFlight(nowNs, flight);
    }

    /// <summary>The peer's next flight has begun: our current flight needs no timed resend.</summary>
    protected void StopFlightTimer() => Flight?.Stop();

    /// <summary>A plaintext (epoch-0) handshake datagram sent once and not remembered (HelloVerifyRequest, RFC 6347 §4.2.1).</summary>
    protected void SendStatelessMessage(byte type, int messageSequence, byte[] body, long recordSequence)
    {
        byte[] datagram = _writer.StatelessMessage(type, messageSequence, body, recordSequence);
        _outputs.Enqueue(new Pending(DtlsOutputKind.Transmit, datagram, datagram.Length, Pooled: false));
    }

    /// <summary>The handshake completed: records the parameters, exports the SRTP keys, raises Connected.</summary>
    protected void Connect()
    {
        Flight?.Stop();
        State = DtlsManagedState.Connected;
        Records!.ResetReplayWindow(); // application data starts a fresh window, as on the Bouncy path (werift reuses numbers)
        Negotiated = new DtlsNegotiatedParameters(DtlsHandshakeType.Dtls12, DtlsRecordKeys.CipherSuiteAes128GcmSha256, true, 1)
        {
            SrtpProfile = SrtpProfile,
        };
        if (SrtpProfile != DtlsSrtpProfile.None)
        {
            byte[] exported = DtlsPrf.Export(MasterSecret, DtlsSrtpKeyingMaterial.ExporterLabel, ClientRandom, ServerRandom,
                DtlsSrtpProfiles.KeyingMaterialLength(SrtpProfile));
            SrtpKeyingMaterial = DtlsSrtpKeyingMaterial.FromExporterOutput(SrtpProfile, Role, exported);
            CryptographicOperations.ZeroMemory(exported);
        }

        _outputs.Enqueue(new Pending(DtlsOutputKind.Connected, null, 0, Pooled: false));
        while (_earlyData.TryDequeue(out var early))
        {
            _outputs.Enqueue(new Pending(DtlsOutputKind.Data, early, early.Length, Pooled: false));
        }
    }

    /// <summary>Fails the handshake: sends <paramref name="alert"/> (fatal; -1 for none) and raises Failed.</summary>
    protected void Fail(DtlsFailureReason reason, string message, int alert)
    {
        if (State is DtlsManagedState.Failed or DtlsManagedState.Closed)
        {
            return;
        }

        if (alert >= 0)
        {
            SendAlert(DtlsWire.AlertFatal, (byte)alert);
            SentAlert = alert;
            FailureAlert = alert;
        }

        Flight?.Stop();
        State = DtlsManagedState.Failed;
        FailureReason = reason;
        FailureMessage = message;
        _outputs.Enqueue(new Pending(DtlsOutputKind.Failed, null, 0, Pooled: false));
    }

    /// <summary>Unexpected message for the state: unexpected_message (10).</summary>
    protected void FailUnexpected(byte type) =>
        Fail(DtlsFailureReason.ProtocolError, $"Unexpected DTLS handshake message {type} in this state.", DtlsAlerts.UnexpectedMessage);

    protected void FailDecode(string what) =>
        Fail(DtlsFailureReason.ProtocolError, $"Malformed DTLS {what}.", DtlsAlerts.DecodeError);

    private bool HandleRecord(long nowNs, ReadOnlySpan<byte> record)
    {
        byte type = record[0];
        int epoch = BinaryPrimitives.ReadUInt16BigEndian(record[3..]);
        long sequence = ((long)BinaryPrimitives.ReadUInt16BigEndian(record[5..]) << 32) | BinaryPrimitives.ReadUInt32BigEndian(record[7..]);
        var fragment = record[RecordHeaderLength..];
        if (epoch == 0)
        {
            return type switch
            {
                DtlsWire.Handshake => HandleHandshakeBytes(nowNs, fragment, 0, sequence),
                DtlsWire.ChangeCipherSpec => fragment.Length == 1 && fragment[0] == 1,
                DtlsWire.Alert when State == DtlsManagedState.Handshaking => HandleAlert(fragment),
                _ => false, // plaintext alerts after the handshake are unauthenticated; plaintext data is never valid
            };
        }

        if (epoch != DtlsAeadRecordLayer.Epoch || Records is null)
        {
            return false;
        }

        byte[] buffer = Rent(record.Length);
        bool pooled = buffer.Length == PooledBufferLength;
        if (!Records.TryDecrypt(record, buffer, out int length))
        {
            Return(buffer, pooled);
            return false;
        }

        switch (type)
        {
            case DtlsWire.ApplicationData:
                if (State == DtlsManagedState.Connected)
                {
                    _outputs.Enqueue(new Pending(DtlsOutputKind.Data, buffer, length, pooled));
                    return true;
                }

                if (_earlyData.Count < MaxEarlyData)
                {
                    _earlyData.Enqueue(buffer.AsSpan(0, length).ToArray());
                }

                Return(buffer, pooled);
                return true;
            case DtlsWire.Handshake:
                bool ok = HandleHandshakeBytes(nowNs, buffer.AsSpan(0, length), 1, sequence);
                Return(buffer, pooled);
                return ok;
            case DtlsWire.Alert:
                bool handled = HandleAlert(buffer.AsSpan(0, length));
                Return(buffer, pooled);
                return handled;
            default:
                Return(buffer, pooled);
                return true;
        }
    }

    private bool HandleHandshakeBytes(long nowNs, ReadOnlySpan<byte> bytes, int epoch, long recordSequence)
    {
        bool any = false;
        while (bytes.Length > 0 && State is DtlsManagedState.Handshaking or DtlsManagedState.Connected)
        {
            if (bytes.Length < DtlsHandshakeType.HeaderLength)
            {
                MalformedRecords++;
                return any;
            }

            int own = DtlsHandshakeType.HeaderLength + DtlsHandshakeReassembler.ReadU24(bytes[9..]);
            if (own > bytes.Length)
            {
                MalformedRecords++;
                return any;
            }

            if (State == DtlsManagedState.Handshaking && OnHandshakeFragmentBeforeHello(nowNs, bytes[..own], recordSequence))
            {
                bytes = bytes[own..];
                any = true;
                continue;
            }

            byte fragmentType = bytes[0];
            var outcome = Reassembler.Add(bytes, epoch, out int consumed);
            if (outcome == DtlsHandshakeReassembler.Outcome.Dropped && consumed == 0)
            {
                MalformedRecords++;
                return any;
            }

            bytes = bytes[consumed..];
            if (outcome == DtlsHandshakeReassembler.Outcome.Retransmission)
            {
                // RFC 6347 §4.2.4: the peer resent its last flight, so it lost (part of) ours. Answer only to the message
                // that ends that flight (once per flight, not once per datagram of it, and never ping-pong after the end).
                _retransmitRequested |= EndsPeersRetransmittedFlight(fragmentType, epoch);
                any = true;
                continue;
            }

            any |= outcome == DtlsHandshakeReassembler.Outcome.Accepted;
            while (State == DtlsManagedState.Handshaking && Reassembler.TryTake(out byte type, out byte[] body, out int messageEpoch))
            {
                OnMessage(nowNs, type, body, messageEpoch);
            }
        }

        return any;
    }

    private bool HandleAlert(ReadOnlySpan<byte> alert)
    {
        if (alert.Length != 2)
        {
            MalformedRecords++;
            return false;
        }

        byte level = alert[0];
        byte description = alert[1];
        if (description == DtlsWire.CloseNotify)
        {
            if (State == DtlsManagedState.Connected)
            {
                SendAlert(DtlsWire.AlertWarning, DtlsWire.CloseNotify);
                EndConnected(DtlsCloseReason.PeerCloseNotify);
            }
            else
            {
                FailureAlert = DtlsWire.CloseNotify;
                Fail(DtlsFailureReason.PeerClosed, "peer sent close_notify(0) during the handshake", alert: -1);
            }

            return true;
        }

        if (level != DtlsWire.AlertFatal)
        {
            return true; // warnings (e.g. no_renegotiation) are ignored
        }

        PeerAlert = description;
        FailureAlert = description;
        if (State == DtlsManagedState.Connected)
        {
            EndConnected(DtlsCloseReason.PeerAlert);
        }
        else
        {
            Fail(DtlsFailureReason.Alert, "peer sent fatal alert " + DtlsAlerts.Describe(description), alert: -1);
        }

        return true;
    }

    private void EndConnected(DtlsCloseReason reason)
    {
        State = DtlsManagedState.Closed;
        CloseReason = reason;
        _outputs.Enqueue(new Pending(DtlsOutputKind.Closed, null, 0, Pooled: false));
    }

    private void SendAlert(byte level, byte description)
    {
        Span<byte> alert = [level, description];
        if (Records is not null && _writer.SentChangeCipherSpec)
        {
            byte[] buffer = Rent(alert.Length + DtlsAeadRecordLayer.Overhead);
            int written = Records.Encrypt(DtlsWire.Alert, alert, buffer);
            _outputs.Enqueue(new Pending(DtlsOutputKind.Transmit, buffer, written, buffer.Length == PooledBufferLength));
            return;
        }

        byte[] datagram = _writer.PlainRecord(DtlsWire.Alert, alert);
        _outputs.Enqueue(new Pending(DtlsOutputKind.Transmit, datagram, datagram.Length, Pooled: false));
    }

    /// <summary>Sends (or resends) <paramref name="flight"/> and arms its timer.</summary>
    private void SendFlight(long nowNs, DtlsFlight flight)
    {
        if (flight.Sends > 0)
        {
            Retransmissions++;
        }

        if (!flight.Retransmits && flight.Sent.Count > 0)
        {
            // The final flight is replayed byte for byte (as the Bouncy path does): the same records, sequence numbers and
            // GCM nonces. A peer that already has our Finished drops the copy in its replay window instead of processing
            // a second Finished (werift re-ran its connect on one and stalled).
            foreach (byte[] sent in flight.Sent)
            {
                _outputs.Enqueue(new Pending(DtlsOutputKind.Transmit, sent, sent.Length, Pooled: false));
            }
        }
        else
        {
            _writer.Write(flight, Records, (datagram, length) =>
            {
                if (!flight.Retransmits)
                {
                    flight.Sent.Add(datagram.AsSpan(0, length).ToArray());
                }

                _outputs.Enqueue(new Pending(DtlsOutputKind.Transmit, datagram, length, Pooled: false));
            });
        }

        flight.OnSent(nowNs);
    }

    private byte[] Rent(int length) =>
        length > PooledBufferLength ? new byte[length] : _pool.TryPop(out var buffer) ? buffer : new byte[PooledBufferLength];

    private void Return(byte[] buffer, bool pooled)
    {
        if (pooled)
        {
            _pool.Push(buffer);
        }
    }

    private void ReleaseLent()
    {
        if (_lent is not null)
        {
            _pool.Push(_lent);
            _lent = null;
        }
    }

    private readonly record struct Pending(DtlsOutputKind Kind, byte[]? Buffer, int Length, bool Pooled);
}
