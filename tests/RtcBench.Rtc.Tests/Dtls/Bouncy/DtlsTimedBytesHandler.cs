namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Received application data (valid only during the call) with the receive time, in monotonic ns, of the datagram
/// that carried it, as given to <see cref="DtlsSession.HandleDatagram(ReadOnlySpan{byte}, long)"/>.
/// </summary>
public delegate void DtlsTimedBytesHandler(ReadOnlySpan<byte> bytes, long receivedNs);
