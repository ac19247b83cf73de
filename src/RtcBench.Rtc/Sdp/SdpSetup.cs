namespace RtcBench.Rtc.Sdp;

/// <summary>
/// <c>a=setup</c> (RFC 8842, from RFC 4145): which side opens the DTLS association. <see cref="Active"/> is the DTLS
/// client, <see cref="Passive"/> the DTLS server; an offer says <see cref="ActPass"/> and the answer picks.
/// </summary>
public enum SdpSetup
{
    ActPass = 0,
    Active = 1,
    Passive = 2,
    HoldConn = 3,
}
