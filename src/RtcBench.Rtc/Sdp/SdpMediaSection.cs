using System.Globalization;

namespace RtcBench.Rtc.Sdp;

/// <summary>
/// One media section: <c>m=&lt;kind&gt; &lt;port&gt;[/&lt;count&gt;] &lt;proto&gt; &lt;fmt&gt;…</c> (RFC 8866 §5.14) with its
/// <c>c=</c> line and attributes in the order received. The typed properties read the attributes; what the model does
/// not interpret stays in <see cref="Attributes"/> and <see cref="OtherLines"/>.
/// </summary>
public sealed record SdpMediaSection(
    string Kind,
    int Port,
    string Proto,
    EquatableArray<string> Formats,
    SdpConnection? Connection,
    EquatableArray<SdpAttribute> Attributes,
    EquatableArray<SdpLine> OtherLines = default,
    int? PortCount = null)
{
    /// <summary>A data-channel section: <c>application</c> over <c>UDP/DTLS/SCTP</c>, <c>TCP/DTLS/SCTP</c> or legacy <c>DTLS/SCTP</c>.</summary>
    public bool IsDataChannel =>
        string.Equals(Kind, SdpNames.Application, StringComparison.OrdinalIgnoreCase)
        && Proto.EndsWith(SdpNames.LegacyDtlsSctp, StringComparison.OrdinalIgnoreCase);

    /// <summary>The pre-RFC 8841 form: <c>DTLS/SCTP &lt;sctp-port&gt;</c> with <c>a=sctpmap</c>.</summary>
    public bool IsLegacySctp => string.Equals(Proto, SdpNames.LegacyDtlsSctp, StringComparison.OrdinalIgnoreCase);

    /// <summary>Port 0: a rejected or disabled section (RFC 8829 §5.3.1).</summary>
    public bool IsRejected => Port == 0;

    public string? Mid => SdpAttributes.Find(Attributes, SdpNames.Mid);

    public string? IceUfrag => SdpAttributes.Find(Attributes, SdpNames.IceUfrag);

    public string? IcePwd => SdpAttributes.Find(Attributes, SdpNames.IcePwd);

    public EquatableArray<SdpFingerprint> Fingerprints => SdpAttributes.Fingerprints(Attributes);

    public SdpSetup? Setup => SdpAttributes.Setup(Attributes);

    /// <summary><c>a=sctp-port</c> (RFC 8841 §5), or null when absent or not a port number.</summary>
    public int? SctpPort => ParsePort(SdpAttributes.Find(Attributes, SdpNames.SctpPort));

    /// <summary>The port of a legacy <c>a=sctpmap:&lt;port&gt; webrtc-datachannel &lt;streams&gt;</c>, or null.</summary>
    public int? SctpMapPort
    {
        get
        {
            var value = SdpAttributes.Find(Attributes, SdpNames.SctpMap);
            var space = value?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
            return ParsePort(space < 0 ? value : value![..space]);
        }
    }

    /// <summary><c>a=max-message-size</c> (RFC 8841 §6; 0 means "no limit"), or null when absent or malformed.</summary>
    public ulong? MaxMessageSize =>
        ulong.TryParse(SdpAttributes.Find(Attributes, SdpNames.MaxMessageSize), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            ? size
            : null;

    /// <summary>The <c>a=candidate</c> lines that parse; malformed ones stay in <see cref="Attributes"/> only.</summary>
    public EquatableArray<IceCandidateLine> Candidates
    {
        get
        {
            var list = new List<IceCandidateLine>();
            foreach (var value in SdpAttributes.FindAll(Attributes, SdpNames.Candidate))
            {
                if (IceCandidateLine.TryParse(value, out var candidate))
                {
                    list.Add(candidate!);
                }
            }

            return new EquatableArray<IceCandidateLine>(list);
        }
    }

    public bool HasEndOfCandidates => SdpAttributes.Has(Attributes, SdpNames.EndOfCandidates);

    public bool HasAttribute(string name) => SdpAttributes.Has(Attributes, name);

    /// <summary>The trimmed value of the first attribute called <paramref name="name"/>, or null.</summary>
    public string? GetAttribute(string name) => SdpAttributes.Find(Attributes, name);

    private static int? ParsePort(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 ? port : null;
}
