namespace RtcBench.Rtc.Dtls;

/// <summary>The life of a <see cref="DtlsManagedEngine"/>.</summary>
internal enum DtlsManagedState
{
    New,
    Handshaking,
    Connected,
    Failed,
    Closed,
}
