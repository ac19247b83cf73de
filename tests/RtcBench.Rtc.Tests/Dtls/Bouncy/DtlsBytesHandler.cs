namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Receives bytes that are only valid during the call (copy them to keep them). Used for outgoing datagrams
/// and for received application data.
/// </summary>
public delegate void DtlsBytesHandler(ReadOnlySpan<byte> bytes);
