namespace RtcBench.Rtc.Sdp;

/// <summary>
/// What a peer needs from the remote description to connect a data channel: ICE credentials and candidates, the DTLS
/// fingerprint and role, and the SCTP port and message size limit (defaults from RFC 8841 when absent).
/// </summary>
public sealed record RemoteDataChannelDescription(
    string? Mid,
    int MediaIndex,
    string IceUfrag,
    string IcePwd,
    SdpFingerprint Fingerprint,
    SdpSetup? Setup,
    int SctpPort,
    ulong MaxMessageSize,
    EquatableArray<IceCandidateLine> Candidates,
    bool IceLite,
    bool EndOfCandidates,
    bool IceTrickle,
    bool IsLegacySctp)
{
    /// <summary>All fingerprints offered (several hash functions may be listed); <see cref="Fingerprint"/> is the
    /// preferred one (sha-256 when present).</summary>
    public EquatableArray<SdpFingerprint> Fingerprints { get; init; }

    /// <summary>Whether the remote side will be the DTLS client (<c>active</c>), server (<c>passive</c>), or has
    /// left the choice to us (<c>actpass</c>, absent: null).</summary>
    public bool? RemoteIsDtlsClient => Setup switch
    {
        SdpSetup.Active => true,
        SdpSetup.Passive => false,
        _ => null,
    };
}
