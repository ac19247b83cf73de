using System.Globalization;
using System.Net.Sockets;

namespace RtcBench.Rtc.Sdp;

/// <summary>
/// Builds and reads data-channel-only descriptions (RFC 8829 JSEP, RFC 8839 ICE, RFC 8841 SCTP):
/// <see cref="CreateOffer"/> (full ICE, <c>actpass</c>), <see cref="CreateAnswer"/> (ICE-lite or full, the offered
/// data section accepted and BUNDLEd, every other section rejected with port 0) and <see cref="Describe"/>.
/// </summary>
public static partial class DataChannelSdp
{
    private const int PlaceholderPort = 9;
    private const string LegacyStreamCount = "1024";

    /// <summary>A one-section offer: <c>m=application … UDP/DTLS/SCTP webrtc-datachannel</c> with <c>a=setup:actpass</c>.</summary>
    public static SessionDescription CreateOffer(DataChannelSdpOptions options)
    {
        Validate(options);
        var media = DataSection(options, options.Mid, SdpSetup.ActPass, legacy: false, legacyStreams: null);
        return Session(SdpType.Offer, options, options.Mid, [media]);
    }

    /// <summary>
    /// Answers <paramref name="offer"/>: the first data section (port ≠ 0) is accepted with <paramref name="options"/>
    /// (legacy <c>DTLS/SCTP</c> answered in kind), the rest get port 0. Throws <see cref="ArgumentException"/> when the
    /// offer has no usable data section or the requested setup role conflicts with the offer's.
    /// </summary>
    public static SessionDescription CreateAnswer(SessionDescription offer, DataChannelSdpOptions options) =>
        TryCreateAnswer(offer, options, out var answer, out var error) ? answer! : throw new ArgumentException(error, nameof(offer));

    public static bool TryCreateAnswer(
        SessionDescription offer, DataChannelSdpOptions options, out SessionDescription? answer, out string error)
    {
        ArgumentNullException.ThrowIfNull(offer);
        Validate(options);
        answer = null;
        if (options.Setup is not (SdpSetup.Active or SdpSetup.Passive))
        {
            error = "an answer's setup must be active or passive";
            return false;
        }

        var accepted = FindDataSection(offer);
        if (accepted < 0)
        {
            error = "the offer has no data-channel m= section (application over DTLS/SCTP, port not 0)";
            return false;
        }

        var offered = offer.Media[accepted];
        var offeredSetup = offered.Setup ?? offer.Setup;
        if ((offeredSetup == SdpSetup.Active && options.Setup == SdpSetup.Active)
            || (offeredSetup == SdpSetup.Passive && options.Setup == SdpSetup.Passive))
        {
            error = $"the offer says setup:{SdpNames.Format(offeredSetup.Value)}; the answer cannot say the same";
            return false;
        }

        var sections = new List<SdpMediaSection>(offer.Media.Count);
        for (var i = 0; i < offer.Media.Count; i++)
        {
            var m = offer.Media[i];
            sections.Add(i == accepted
                ? DataSection(options, m.Mid, options.Setup, m.IsLegacySctp, LegacyStreams(m))
                : Rejected(m));
        }

        answer = Session(SdpType.Answer, options, offered.Mid, sections);
        error = "";
        return true;
    }

    /// <summary>The index of the first data-channel section that is not rejected, or -1.</summary>
    internal static int FindDataSection(SessionDescription sdp)
    {
        for (var i = 0; i < sdp.Media.Count; i++)
        {
            if (sdp.Media[i].IsDataChannel && !sdp.Media[i].IsRejected)
            {
                return i;
            }
        }

        return -1;
    }

    private static SessionDescription Session(SdpType type, DataChannelSdpOptions options, string? bundleMid, List<SdpMediaSection> media)
    {
        var attributes = new List<SdpAttribute>();
        if (options.IceLite)
        {
            attributes.Add(new SdpAttribute(SdpNames.IceLite));
        }

        if (bundleMid is not null)
        {
            attributes.Add(new SdpAttribute(SdpNames.Group, "BUNDLE " + bundleMid));
        }

        var origin = new SdpOrigin("-", options.SessionId ?? RandomSessionId(), options.SessionVersion);
        return new SessionDescription(
            type, origin, "-", "0 0", null,
            new EquatableArray<SdpAttribute>(attributes),
            new EquatableArray<SdpMediaSection>(media));
    }

    private static SdpMediaSection DataSection(
        DataChannelSdpOptions options, string? mid, SdpSetup setup, bool legacy, string? legacyStreams)
    {
        var (port, connection) = DefaultCandidate(options.Candidates);
        var sctpPort = options.SctpPort.ToString(CultureInfo.InvariantCulture);
        var a = new List<SdpAttribute>();
        if (mid is not null)
        {
            a.Add(new SdpAttribute(SdpNames.Mid, mid));
        }

        a.Add(new SdpAttribute(SdpNames.IceUfrag, options.IceUfrag));
        a.Add(new SdpAttribute(SdpNames.IcePwd, options.IcePwd));
        if (options.IceTrickle && !options.IceLite)
        {
            a.Add(new SdpAttribute(SdpNames.IceOptions, "trickle"));
        }

        a.Add(new SdpAttribute(SdpNames.Fingerprint, options.Fingerprint.ToString()));
        a.Add(new SdpAttribute(SdpNames.Setup, SdpNames.Format(setup)));
        if (legacy)
        {
            a.Add(new SdpAttribute(SdpNames.SctpMap, sctpPort + " " + SdpNames.WebRtcDataChannel + " " + (legacyStreams ?? LegacyStreamCount)));
        }
        else
        {
            a.Add(new SdpAttribute(SdpNames.SctpPort, sctpPort));
            a.Add(new SdpAttribute(SdpNames.MaxMessageSize, options.MaxMessageSize.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var candidate in options.Candidates)
        {
            a.Add(candidate.ToAttribute());
        }

        if (options.EndOfCandidates)
        {
            a.Add(new SdpAttribute(SdpNames.EndOfCandidates));
        }

        return new SdpMediaSection(
            SdpNames.Application, port,
            legacy ? SdpNames.LegacyDtlsSctp : SdpNames.UdpDtlsSctp,
            new EquatableArray<string>([legacy ? sctpPort : SdpNames.WebRtcDataChannel]),
            connection, new EquatableArray<SdpAttribute>(a));
    }

    // RFC 8829 §5.3.1: a rejected section keeps its kind, proto and formats, gets port 0 and keeps its mid.
    private static SdpMediaSection Rejected(SdpMediaSection offered)
    {
        var attributes = offered.Mid is { } mid ? new[] { new SdpAttribute(SdpNames.Mid, mid) } : [];
        return new SdpMediaSection(
            offered.Kind, 0, offered.Proto, offered.Formats, SdpConnection.Placeholder,
            new EquatableArray<SdpAttribute>(attributes));
    }

    private static (int Port, SdpConnection Connection) DefaultCandidate(EquatableArray<IceCandidateLine> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.IsUdp && candidate.Component == 1 && candidate.TryGetIPAddress(out var ip))
            {
                var family = ip!.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
                return (candidate.Port, new SdpConnection("IN", family, candidate.Address));
            }
        }

        return (PlaceholderPort, SdpConnection.Placeholder);
    }

    // a=sctpmap:<port> webrtc-datachannel <streams>: answer with the offered stream count when it is a number.
    private static string? LegacyStreams(SdpMediaSection offered)
    {
        var parts = offered.GetAttribute(SdpNames.SctpMap)?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: 3 } && ushort.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? parts[2]
            : null;
    }

    // Misuse (not hostile input): our own credentials must be writable tokens.
    private static void Validate(DataChannelSdpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (value, name) in new[] { (options.IceUfrag, "IceUfrag"), (options.IcePwd, "IcePwd"), (options.Mid, "Mid") })
        {
            if (string.IsNullOrEmpty(value) || value.Any(c => c <= ' ' || c > '~'))
            {
                throw new ArgumentException($"{name} must be non-empty printable ASCII without blanks.", nameof(options));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SctpPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.SctpPort, 65535);
    }

    private static ulong RandomSessionId() => (ulong)Random.Shared.NextInt64(1, long.MaxValue >> 1);
}
