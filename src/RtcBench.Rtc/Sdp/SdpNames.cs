namespace RtcBench.Rtc.Sdp;

/// <summary>Attribute names and protocol tokens used by data-channel SDP, and <c>a=setup</c> conversions.</summary>
public static class SdpNames
{
    public const string Group = "group";
    public const string IceLite = "ice-lite";
    public const string IceUfrag = "ice-ufrag";
    public const string IcePwd = "ice-pwd";
    public const string IceOptions = "ice-options";
    public const string Fingerprint = "fingerprint";
    public const string Setup = "setup";
    public const string Mid = "mid";
    public const string MsidSemantic = "msid-semantic";
    public const string ExtmapAllowMixed = "extmap-allow-mixed";
    public const string SctpPort = "sctp-port";
    public const string SctpMap = "sctpmap";
    public const string MaxMessageSize = "max-message-size";
    public const string Candidate = "candidate";
    public const string EndOfCandidates = "end-of-candidates";

    /// <summary>The media kind of a data-channel section.</summary>
    public const string Application = "application";

    /// <summary>RFC 8841 proto (also <c>TCP/DTLS/SCTP</c>); the format is <see cref="WebRtcDataChannel"/>.</summary>
    public const string UdpDtlsSctp = "UDP/DTLS/SCTP";

    /// <summary>The pre-RFC 8841 proto; the format is the SCTP port and <c>a=sctpmap</c> describes it.</summary>
    public const string LegacyDtlsSctp = "DTLS/SCTP";

    public const string WebRtcDataChannel = "webrtc-datachannel";

    /// <summary>The SCTP port when none is given (RFC 8841 §5.2); also what every peer we know of uses.</summary>
    public const int DefaultSctpPort = 5000;

    /// <summary>The max message size when <c>a=max-message-size</c> is absent (RFC 8841 §6.1).</summary>
    public const ulong DefaultMaxMessageSize = 65536;

    public static bool TryParseSetup(string? value, out SdpSetup setup)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case "ACTPASS":
                setup = SdpSetup.ActPass;
                return true;
            case "ACTIVE":
                setup = SdpSetup.Active;
                return true;
            case "PASSIVE":
                setup = SdpSetup.Passive;
                return true;
            case "HOLDCONN":
                setup = SdpSetup.HoldConn;
                return true;
            default:
                setup = default;
                return false;
        }
    }

    public static string Format(SdpSetup setup) => setup switch
    {
        SdpSetup.ActPass => "actpass",
        SdpSetup.Active => "active",
        SdpSetup.Passive => "passive",
        SdpSetup.HoldConn => "holdconn",
        _ => throw new ArgumentOutOfRangeException(nameof(setup), setup, "Unknown setup role."),
    };
}
