namespace RtcBench.Rtc.Dtls;

/// <summary>
/// A DTLS 1.2 endpoint for one WebRTC transport. The caller owns the socket: it feeds every datagram whose first
/// byte is 20..63 (RFC 7983) to <see cref="HandleDatagram"/> and sends what the outgoing-datagram callback emits.
/// </summary>
public interface IDtlsTransport : IDisposable
{
    DtlsRole Role { get; }

    DtlsSessionState State { get; }

    /// <summary>Set once the handshake has completed and the peer's fingerprint has been verified.</summary>
    DtlsNegotiatedParameters? Negotiated { get; }

    /// <summary>
    /// The SRTP keys exported for the profile use_srtp agreed (RFC 5764 §4.2), local and remote by role; null until
    /// connected, or when no profile was agreed.
    /// </summary>
    DtlsSrtpKeyingMaterial? SrtpKeyingMaterial { get; }

    /// <summary>The largest application payload <see cref="Send"/> accepts (1163 with AES-GCM and a 1200-byte datagram limit).</summary>
    int SendLimit { get; }

    /// <summary>Datagrams dropped on arrival: queue full, oversize, malformed record, or failed authentication.</summary>
    long DroppedDatagrams { get; }

    /// <summary>
    /// Application data, in arrival order: on the thread that calls <see cref="HandleDatagram"/> once the managed record
    /// layer runs (0xC02B), otherwise on the session's DTLS thread. Keep handlers short; never block in them.
    /// </summary>
    event DtlsBytesHandler? DataReceived;

    /// <summary>Raised once when a connected session ends, on the receiving thread (or the caller of Close).</summary>
    event EventHandler<DtlsCloseReason>? Closed;

    /// <summary>Queues one incoming datagram. Thread-safe, never blocks, never throws on bad bytes.</summary>
    void HandleDatagram(ReadOnlySpan<byte> datagram);

    /// <summary>
    /// Runs the handshake on the session's own long-running thread. Completes when the peer is verified;
    /// throws <see cref="DtlsHandshakeException"/> otherwise. Call once.
    /// </summary>
    Task HandshakeAsync(CancellationToken cancellationToken);

    /// <summary>Encrypts and sends one record. Thread-safe. Throws <see cref="InvalidOperationException"/> unless connected.</summary>
    void Send(ReadOnlySpan<byte> data);

    /// <summary>Sends close_notify (if connected) and stops the session. Idempotent.</summary>
    void Close();
}
