namespace RtcBench.Rtc.Sdp;

/// <summary>
/// A parsed SDP description (RFC 8866) as used for data-only WebRTC sessions (RFC 8829). Session-level attributes
/// stay in order in <see cref="Attributes"/>; the typed properties read them.
/// </summary>
public sealed record SessionDescription(
    SdpType Type,
    SdpOrigin Origin,
    string SessionName,
    string Timing,
    SdpConnection? Connection,
    EquatableArray<SdpAttribute> Attributes,
    EquatableArray<SdpMediaSection> Media,
    EquatableArray<SdpLine> OtherLines = default)
{
    /// <summary>Session-level <c>a=ice-lite</c> (RFC 8839 §5.3).</summary>
    public bool IsIceLite => SdpAttributes.Has(Attributes, SdpNames.IceLite);

    /// <summary>The mids of the first <c>a=group:BUNDLE</c> (RFC 9143), empty when there is none.</summary>
    public EquatableArray<string> BundleMids
    {
        get
        {
            foreach (var value in SdpAttributes.FindAll(Attributes, SdpNames.Group))
            {
                var tokens = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length > 0 && string.Equals(tokens[0], "BUNDLE", StringComparison.OrdinalIgnoreCase))
                {
                    return new EquatableArray<string>(tokens[1..]);
                }
            }

            return default;
        }
    }

    public string? MsidSemantic => SdpAttributes.Find(Attributes, SdpNames.MsidSemantic);

    public string? IceUfrag => SdpAttributes.Find(Attributes, SdpNames.IceUfrag);

    public string? IcePwd => SdpAttributes.Find(Attributes, SdpNames.IcePwd);

    /// <summary>The tokens of <c>a=ice-options</c> (for example <c>trickle</c>), empty when absent.</summary>
    public EquatableArray<string> IceOptions =>
        new(SdpAttributes.Find(Attributes, SdpNames.IceOptions)?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? []);

    public EquatableArray<SdpFingerprint> Fingerprints => SdpAttributes.Fingerprints(Attributes);

    public SdpSetup? Setup => SdpAttributes.Setup(Attributes);

    public bool HasEndOfCandidates => SdpAttributes.Has(Attributes, SdpNames.EndOfCandidates);

    public bool HasAttribute(string name) => SdpAttributes.Has(Attributes, name);

    /// <summary>The trimmed value of the first session-level attribute called <paramref name="name"/>, or null.</summary>
    public string? GetAttribute(string name) => SdpAttributes.Find(Attributes, name);
}
