namespace RtcBench.Rtc.Sdp;

/// <summary>
/// The JSEP type of a description (RFC 8829 §4.1.8). It travels beside the SDP text (in signalling), never inside it,
/// so a description parsed without one is <see cref="Unknown"/>.
/// </summary>
public enum SdpType
{
    Unknown = 0,
    Offer = 1,
    Answer = 2,
    PrAnswer = 3,
}
