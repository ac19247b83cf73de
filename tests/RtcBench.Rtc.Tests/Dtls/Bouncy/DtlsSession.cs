using System.Buffers;
using Org.BouncyCastle.Tls;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Test side: one DTLS 1.2 session behind <see cref="IDtlsTransport"/> on its own threads, run by the engine
/// <see cref="DtlsSessionSettings.Engine"/> names: the harness that lets BouncyCastle (the independent peer) and the
/// production engine meet each other, OpenSSL and themselves over pipes and UDP. Production drives
/// <see cref="DtlsManagedEngine"/> directly from <c>Core/RtcCore</c> and has no BouncyCastle. <see cref="DtlsEngine.Managed"/> (the default): the sans-IO handshake in a thin shell
/// (<see cref="DtlsManagedSession"/>), no thread; datagrams are sent outside its lock (Dtls/README.md, threading).
/// <para>Threading with <see cref="DtlsEngine.Bouncy"/>: <see cref="HandshakeAsync"/> starts ONE long-running task that runs
/// <c>DtlsClientProtocol.Connect</c>/<c>DtlsServerProtocol.Accept</c>. When 0xC02B was negotiated (and
/// <see cref="DtlsSessionSettings.ManagedRecordLayer"/> is on) that task then ends: our AES-GCM record layer
/// (DtlsSession.Managed.cs) decrypts on the thread that calls HandleDatagram. Otherwise the task goes on to run
/// BouncyCastle's receive loop (<c>DtlsTransport.Receive</c>) that raises <see cref="DataReceived"/> and <see cref="Closed"/>. The socket side
/// calls <see cref="HandleDatagram"/> from any thread (it only enqueues). Outgoing datagrams reach the callback
/// given to the constructor one at a time (under the send lock), from the DTLS thread or a <see cref="Send"/> caller.
/// Timeout, cancellation, <see cref="Close"/> and Dispose close the datagram adapter, which unblocks the DTLS
/// thread at once.</para>
/// </summary>
public sealed partial class DtlsSession : IDtlsTransport
{
    private const int BackstopMillis = 1000;

    private readonly DtlsSessionOptions _options;
    private readonly DtlsSessionSettings _settings;
    private readonly BcPeerState _peer;
    private readonly BcDatagramAdapter _adapter;
    private readonly DtlsBytesHandler _sendDatagram;
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _stateLock = new();
    private DtlsSessionState _state = DtlsSessionState.New;
    private DtlsFailureReason? _abortReason;
    private DtlsTransport? _transport;
    private bool _localClose;
    private Exception? _fault;
    private int _closedRaised;
    private Task? _worker;
    private readonly DtlsManagedSession? _managed;

    public DtlsSession(DtlsSessionOptions options, DtlsBytesHandler sendDatagram, DtlsSessionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sendDatagram);
        settings ??= DtlsSessionSettings.Default;
        options.Validate();
        settings.Validate();
        _options = options;
        _settings = settings;
        _sendDatagram = sendDatagram;
        int bcTimeout = (int)Math.Min(int.MaxValue - BackstopMillis, options.HandshakeTimeout.TotalMilliseconds) + BackstopMillis;
        _peer = new BcPeerState(options, bcTimeout);
        _adapter = new BcDatagramAdapter(settings.ReceiveQueueCapacity, sendDatagram)
        {
            KeepEarlyData = settings.ManagedRecordLayer,
        };
        if (settings.Engine == DtlsEngine.Managed)
        {
            // The sans-IO handshake (Dtls/Managed): no DTLS thread at all; BouncyCastle is not used.
            _managed = new DtlsManagedSession(options, settings.TimeProvider, sendDatagram, RaiseData, reason => Closed?.Invoke(this, reason));
        }
    }

    public event DtlsBytesHandler? DataReceived;

    /// <summary>
    /// Like <see cref="DataReceived"/>, with the receive time given to <see cref="HandleDatagram(ReadOnlySpan{byte}, long)"/>
    /// for the datagram that carried the record (0 for datagrams fed without one). Raised before DataReceived.
    /// </summary>
    public event DtlsTimedBytesHandler? DataReceivedAt;

    public event EventHandler<DtlsCloseReason>? Closed;

    public DtlsRole Role => _options.Role;

    public DtlsSessionState State
    {
        get
        {
            if (_managed is not null)
            {
                return _managed.State;
            }

            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    public DtlsNegotiatedParameters? Negotiated => State is DtlsSessionState.Connected or DtlsSessionState.Closed
        ? _managed?.Engine.Negotiated ?? _peer.Negotiated
        : null;

    /// <summary>
    /// The SRTP master keys and salts exported for the profile use_srtp selected (RFC 5764 §4.2), local and remote by
    /// our role; null until connected, or when no profile was agreed. Captured during the handshake.
    /// </summary>
    public DtlsSrtpKeyingMaterial? SrtpKeyingMaterial => State is DtlsSessionState.Connected or DtlsSessionState.Closed
        ? (_managed is not null ? _managed.Engine.SrtpKeyingMaterial : _peer.SrtpKeys)
        : null;

    public int SendLimit => _managed is not null
        ? (_managed.State == DtlsSessionState.Connected ? _managed.Engine.SendLimit : 0)
        : _records is not null ? ManagedSendLimit : Volatile.Read(ref _transport)?.GetSendLimit() ?? 0;

    /// <summary>Which implementation runs this session (<see cref="DtlsSessionSettings.Engine"/>).</summary>
    public DtlsEngine Engine => _settings.Engine;

    /// <summary>
    /// Datagrams dropped on arrival (queue full, oversize, malformed, or no authentic record once the managed record
    /// layer runs), plus records BouncyCastle's record layer rejected (forged or undecodable; one count each).
    /// </summary>
    public long DroppedDatagrams => _managed is not null ? _managed.Engine.DroppedDatagrams : _adapter.Dropped + Interlocked.Read(ref _managedDropped) + (_peer.Cipher?.Rejected ?? 0);

    /// <summary>
    /// The fatal alert the peer sent (RFC 5246 §7.2 description, e.g. 40 for handshake_failure), during the handshake
    /// or after it; null if it sent none. With <see cref="DtlsCloseReason.PeerAlert"/> this names what ended the session.
    /// </summary>
    public int? PeerFatalAlert => _managed is not null ? _managed.Engine.PeerAlert : _peer.FatalAlertReceived is >= 0 and var description ? description : null;

    /// <summary>An alert description as a name with its number, e.g. "handshake_failure(40)".</summary>
    public static string DescribeAlert(int description) => DtlsAlerts.Describe(description);

    /// <summary>The exception that ended the session after the handshake, if any (a throwing handler, an engine error).</summary>
    public Exception? Fault
    {
        get => _managed is not null ? _managed.Fault : _fault;
        private set => _fault = value;
    }

    public void HandleDatagram(ReadOnlySpan<byte> datagram) => HandleDatagram(datagram, 0);

    /// <summary>
    /// Handles one incoming datagram with its receive time (monotonic ns, taken at the socket), which
    /// <see cref="DataReceivedAt"/> reports with the application data it carried. Thread-safe, never blocks on the
    /// network. During the handshake it only enqueues for the DTLS thread; once the managed record layer is on, it
    /// decrypts on the calling thread and raises <see cref="DataReceivedAt"/>/<see cref="DataReceived"/> there.
    /// </summary>
    public void HandleDatagram(ReadOnlySpan<byte> datagram, long receivedNs)
    {
        if (_managed is not null)
        {
            _managed.HandleDatagram(datagram, receivedNs);
            return;
        }

        if (_settings.ManagedRecordLayer)
        {
            lock (_receiveLock)
            {
                if (_direct)
                {
                    ReceiveManaged(datagram, receivedNs);
                    return;
                }

                _adapter.Enqueue(datagram, receivedNs);
            }

            return;
        }

        _adapter.Enqueue(datagram, receivedNs);
    }

    public Task HandshakeAsync(CancellationToken cancellationToken)
    {
        if (_managed is not null)
        {
            return _managed.HandshakeAsync(cancellationToken);
        }

        lock (_stateLock)
        {
            if (_state != DtlsSessionState.New)
            {
                throw new InvalidOperationException($"HandshakeAsync can be called once, on a new session (state {_state}).");
            }

            _state = DtlsSessionState.Handshaking;
        }

        _worker = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return WaitForHandshakeAsync(cancellationToken);
    }

    public void Send(ReadOnlySpan<byte> data)
    {
        if (_managed is not null)
        {
            _managed.Send(data);
            return;
        }

        var transport = Volatile.Read(ref _transport);
        if (transport is null || State != DtlsSessionState.Connected)
        {
            throw new InvalidOperationException($"The DTLS session is not connected (state {State}).");
        }

        if (_records is not null)
        {
            SendManaged(data); // Checks the limit itself; BouncyCastle is not involved any more.
            return;
        }

        int limit = transport.GetSendLimit();
        if (data.Length > limit)
        {
            throw new ArgumentException($"{data.Length} bytes exceed the DTLS send limit of {limit}.", nameof(data));
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        try
        {
            data.CopyTo(buffer);
            lock (_adapter.SendLock)
            {
                transport.Send(buffer, 0, data.Length);
            }
        }
        catch (IOException e)
        {
            throw new InvalidOperationException("The DTLS session is closed.", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Close()
    {
        if (_managed is not null)
        {
            _managed.Close();
            return;
        }

        DtlsTransport? transport = null;
        bool abort = false;
        lock (_stateLock)
        {
            switch (_state)
            {
                case DtlsSessionState.New:
                    _state = DtlsSessionState.Closed;
                    break;
                case DtlsSessionState.Handshaking:
                    abort = true;
                    break;
                case DtlsSessionState.Connected:
                    _localClose = true;
                    _state = DtlsSessionState.Closed;
                    transport = _transport;
                    break;
            }
        }

        if (abort)
        {
            Abort(DtlsFailureReason.Cancelled);
        }
        else if (transport is not null && _records is not null)
        {
            CloseManaged(DtlsCloseReason.Local, sendCloseNotify: true);
        }
        else if (transport is not null)
        {
            lock (_adapter.SendLock)
            {
                try
                {
                    transport.Close(); // Sends close_notify, then closes the adapter: the DTLS thread wakes and ends.
                }
                catch (Exception)
                {
                    // Closing is best effort; the adapter is closed below either way.
                }
            }
        }

        _adapter.Close();
    }

    public void Dispose()
    {
        if (_managed is not null)
        {
            _managed.Dispose();
            _adapter.Dispose();
            return;
        }

        Close();
        DisposeManaged();
        if (_worker is null)
        {
            _adapter.Dispose();
        }
        else
        {
            _worker.ContinueWith(_ => _adapter.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void RaiseData(ReadOnlySpan<byte> data, long receivedNs)
    {
        DataReceivedAt?.Invoke(data, receivedNs);
        DataReceived?.Invoke(data);
    }

    private async Task WaitForHandshakeAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.HandshakeTimeout, _settings.TimeProvider);
        using var onTimeout = timeout.Token.UnsafeRegister(static s => ((DtlsSession)s!).Abort(DtlsFailureReason.Timeout), this);
        using var onCancel = cancellationToken.UnsafeRegister(static s => ((DtlsSession)s!).Abort(DtlsFailureReason.Cancelled), this);
        await _handshake.Task.ConfigureAwait(false);
    }

    /// <summary>Ends a handshake in progress for <paramref name="reason"/>: the first reason wins.</summary>
    private void Abort(DtlsFailureReason reason)
    {
        lock (_stateLock)
        {
            if (_state != DtlsSessionState.Handshaking || _abortReason is not null)
            {
                return;
            }

            _abortReason = reason;
        }

        _adapter.Close();
    }

    private void Run()
    {
        DtlsTransport transport;
        try
        {
            transport = _options.Role == DtlsRole.Client
                ? new DtlsClientProtocol().Connect(new BcDtlsClient(_peer), _adapter)
                : new DtlsServerProtocol().Accept(new BcDtlsServer(_peer), _adapter);
        }
        catch (Exception e)
        {
            _adapter.ReleaseProcessingLock();
            Fail(Classify(e));
            return;
        }

        var records = _settings.ManagedRecordLayer ? CreateManagedRecordLayer() : null;
        _adapter.ReleaseProcessingLock();
        DtlsHandshakeException? failure = null;
        lock (_stateLock)
        {
            if (!_peer.PeerVerified)
            {
                failure = new DtlsHandshakeException(DtlsFailureReason.FingerprintMismatch, "The peer presented no certificate to verify.");
            }
            else if (_abortReason is { } reason)
            {
                failure = Describe(reason, null);
            }
            else
            {
                _records = records;
                Volatile.Write(ref _transport, transport);
                _state = DtlsSessionState.Connected;
            }
        }

        if (failure is not null)
        {
            records?.Dispose();
            Fail(failure);
            return;
        }

        if (records is not null)
        {
            // From here on the socket's thread decrypts: no DTLS thread per session once connected.
            SwitchToManagedReceive();
            _handshake.TrySetResult();
            return;
        }

        _adapter.TakeEarlyData(); // BouncyCastle keeps the record layer: nothing to hand over.
        _handshake.TrySetResult();
        ReceiveLoop(transport);
    }

    private void Fail(DtlsHandshakeException failure)
    {
        lock (_stateLock)
        {
            _state = DtlsSessionState.Failed;
        }

        _adapter.Close();
        _handshake.TrySetException(failure);
    }

    private void ReceiveLoop(DtlsTransport transport)
    {
        var buffer = new byte[BcDatagramAdapter.ReceiveLimit];
        try
        {
            while (true)
            {
                int n = transport.Receive(buffer, 0, buffer.Length, 0); // 0: wait until data or close.
                _adapter.ReleaseProcessingLock();
                if (n >= 0)
                {
                    DataReceivedAt?.Invoke(buffer.AsSpan(0, n), _adapter.LastReceivedNs);
                    DataReceived?.Invoke(buffer.AsSpan(0, n));
                }
            }
        }
        catch (Exception e)
        {
            _adapter.ReleaseProcessingLock();
            DtlsCloseReason reason;
            lock (_stateLock)
            {
                reason = _localClose ? DtlsCloseReason.Local
                    : _peer.CloseNotifyReceived ? DtlsCloseReason.PeerCloseNotify
                    : _peer.FatalAlertReceived >= 0 ? DtlsCloseReason.PeerAlert
                    : DtlsCloseReason.Error;
                _state = DtlsSessionState.Closed;
            }

            if (reason == DtlsCloseReason.Error)
            {
                Fault = e;
                lock (_adapter.SendLock)
                {
                    try
                    {
                        transport.Close(); // E.g. a throwing handler: tell the peer (a no-op if BouncyCastle already failed).
                    }
                    catch (Exception)
                    {
                        // Best effort.
                    }
                }
            }

            _adapter.Close();
            if (Interlocked.Exchange(ref _closedRaised, 1) == 0)
            {
                Closed?.Invoke(this, reason);
            }
        }
    }

    private DtlsHandshakeException Classify(Exception e)
    {
        if (_peer.FingerprintMismatch)
        {
            return new DtlsHandshakeException(DtlsFailureReason.FingerprintMismatch,
                $"The peer's certificate does not match the expected fingerprint {_peer.RemoteFingerprint}.",
                AlertDescription.bad_certificate, e);
        }

        if (_peer.SrtpFailure is { } srtp)
        {
            return new DtlsHandshakeException(DtlsFailureReason.SrtpProfileMismatch, srtp,
                _peer.FatalAlertRaised is >= 0 and var sent ? sent : null, e);
        }

        DtlsFailureReason? aborted;
        lock (_stateLock)
        {
            aborted = _abortReason;
        }

        if (aborted is { } reason)
        {
            return Describe(reason, e);
        }

        if (_peer.FatalAlertReceived is >= 0 and var received)
        {
            return new DtlsHandshakeException(DtlsFailureReason.Alert,
                $"peer sent fatal alert {DescribeAlert(received)}", received, e);
        }

        if (_peer.CloseNotifyReceived)
        {
            return new DtlsHandshakeException(DtlsFailureReason.PeerClosed, "peer sent close_notify(0) during the handshake", AlertDescription.close_notify, e);
        }

        int raised = _peer.FatalAlertRaised;
        return new DtlsHandshakeException(DtlsFailureReason.ProtocolError,
            raised >= 0 ? $"The handshake failed; we sent fatal alert {DescribeAlert(raised)}." : "The handshake failed: " + e.Message,
            raised >= 0 ? raised : null, e);
    }

    private DtlsHandshakeException Describe(DtlsFailureReason reason, Exception? e) => reason switch
    {
        DtlsFailureReason.Timeout => new DtlsHandshakeException(reason,
            $"The DTLS handshake did not complete within {_options.HandshakeTimeout.TotalMilliseconds:0} ms.", null, e),
        _ => new DtlsHandshakeException(reason, "The DTLS handshake was cancelled.", null, e),
    };
}
