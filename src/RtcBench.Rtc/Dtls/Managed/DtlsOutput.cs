namespace RtcBench.Rtc.Dtls;

/// <summary>What <see cref="DtlsManagedEngine.PollOutput"/> hands out, one at a time.</summary>
internal enum DtlsOutputKind
{
    /// <summary>Nothing else is pending; call <see cref="DtlsManagedEngine.HandleTimeout"/> at <see cref="DtlsOutput.TimeoutNs"/> (long.MaxValue: never).</summary>
    Timeout,

    /// <summary>Send <see cref="DtlsOutput.Data"/> as one datagram.</summary>
    Transmit,

    /// <summary>The handshake completed and the peer is verified (<see cref="DtlsManagedEngine.Negotiated"/>, <see cref="DtlsManagedEngine.SrtpKeyingMaterial"/>).</summary>
    Connected,

    /// <summary>The handshake failed (<see cref="DtlsManagedEngine.FailureReason"/>, <see cref="DtlsManagedEngine.FailureMessage"/>, alerts).</summary>
    Failed,

    /// <summary>Application data from the peer in <see cref="DtlsOutput.Data"/>.</summary>
    Data,

    /// <summary>A connected session ended (<see cref="DtlsManagedEngine.CloseReason"/>).</summary>
    Closed,
}

/// <summary>
/// One output of the managed engine. <see cref="Data"/> points into an engine-owned buffer that stays valid until the
/// next <see cref="DtlsManagedEngine.PollOutput"/>: send or copy it first (this keeps the record path allocation-free).
/// Calling <see cref="DtlsManagedEngine.Send"/> meanwhile (an echo from a data handler) is safe.
/// </summary>
internal readonly struct DtlsOutput(DtlsOutputKind kind, ReadOnlyMemory<byte> data, long timeoutNs)
{
    internal DtlsOutputKind Kind { get; } = kind;

    internal ReadOnlyMemory<byte> Data { get; } = data;

    internal long TimeoutNs { get; } = timeoutNs;
}
