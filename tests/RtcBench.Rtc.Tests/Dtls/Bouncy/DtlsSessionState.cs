namespace RtcBench.Rtc.Dtls;

public enum DtlsSessionState
{
    New,
    Handshaking,
    Connected,
    Closed,
    Failed,
}
