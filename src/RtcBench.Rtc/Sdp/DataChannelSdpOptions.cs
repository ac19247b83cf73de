namespace RtcBench.Rtc.Sdp;

/// <summary>
/// Our side of a data-channel description: ICE credentials, the DTLS certificate fingerprint, candidates and SCTP
/// parameters. Defaults follow what Chromium 156 accepted in the experiments (PROTOCOLS.md §1).
/// </summary>
public sealed record DataChannelSdpOptions(string IceUfrag, string IcePwd, SdpFingerprint Fingerprint)
{
    /// <summary>Candidates written as <c>a=candidate</c>; the first UDP candidate with an IP address is the default
    /// (it fills the <c>m=</c> port and <c>c=</c>). With none, JSEP's placeholder <c>9</c> / <c>0.0.0.0</c> is used.</summary>
    public EquatableArray<IceCandidateLine> Candidates { get; init; }

    /// <summary>Write <c>a=end-of-candidates</c>: no more candidates will be trickled (RFC 8840 §8.2).</summary>
    public bool EndOfCandidates { get; init; } = true;

    /// <summary>Write session-level <c>a=ice-lite</c> (RFC 8839 §5.3).</summary>
    public bool IceLite { get; init; }

    /// <summary>Write <c>a=ice-options:trickle</c>. Never written together with <see cref="IceLite"/>.</summary>
    public bool IceTrickle { get; init; } = true;

    /// <summary>The answer's <c>a=setup</c>: <see cref="SdpSetup.Passive"/> (we are the DTLS server) or
    /// <see cref="SdpSetup.Active"/> (DTLS client). An offer always says <c>actpass</c>.</summary>
    public SdpSetup Setup { get; init; } = SdpSetup.Passive;

    public int SctpPort { get; init; } = SdpNames.DefaultSctpPort;

    /// <summary>What we can receive in one message; 0 would mean "any size" (RFC 8841 §6).</summary>
    public ulong MaxMessageSize { get; init; } = 262144;

    /// <summary>The <c>a=mid</c> of an offer's data section (an answer reuses the offered mid).</summary>
    public string Mid { get; init; } = "0";

    /// <summary>The <c>o=</c> session id; null picks a random 62-bit value (RFC 8829 §5.2.1).</summary>
    public ulong? SessionId { get; init; }

    public ulong SessionVersion { get; init; } = 2;
}
