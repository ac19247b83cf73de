namespace RtcBench.Rtc.Sdp;

/// <summary>Reading a remote description: <see cref="Describe"/> and <see cref="TryDescribe"/>.</summary>
public static partial class DataChannelSdp
{
    /// <summary>As <see cref="TryDescribe"/>; throws <see cref="ArgumentException"/> with the reason on failure.</summary>
    public static RemoteDataChannelDescription Describe(SessionDescription remote) =>
        TryDescribe(remote, out var description, out var error) ? description! : throw new ArgumentException(error, nameof(remote));

    /// <summary>
    /// Extracts what our peer needs from the first usable data section of <paramref name="remote"/>. ICE credentials,
    /// fingerprint and setup are read from the section, then from session level (RFC 8839 §5.4, RFC 8122 §5).
    /// The SCTP port comes from <c>a=sctp-port</c>, a legacy <c>a=sctpmap</c> or the legacy format, else 5000;
    /// the message size from <c>a=max-message-size</c>, else 65536 (RFC 8841). Never throws on hostile content.
    /// </summary>
    public static bool TryDescribe(SessionDescription remote, out RemoteDataChannelDescription? description, out string error)
    {
        ArgumentNullException.ThrowIfNull(remote);
        description = null;
        var index = FindDataSection(remote);
        if (index < 0)
        {
            error = "no data-channel m= section (application over DTLS/SCTP, port not 0)";
            return false;
        }

        var m = remote.Media[index];
        var ufrag = m.IceUfrag ?? remote.IceUfrag;
        var pwd = m.IcePwd ?? remote.IcePwd;
        var fingerprints = m.Fingerprints.Count > 0 ? m.Fingerprints : remote.Fingerprints;
        if (string.IsNullOrEmpty(ufrag) || string.IsNullOrEmpty(pwd))
        {
            error = "missing a=ice-ufrag or a=ice-pwd";
            return false;
        }

        if (Ice.IceCredentials.UfragProblem(ufrag) is { } ufragProblem)
        {
            error = "a=ice-ufrag " + ufragProblem;
            return false;
        }

        if (Ice.IceCredentials.PasswordProblem(pwd) is { } pwdProblem)
        {
            error = "a=ice-pwd " + pwdProblem;
            return false;
        }

        if (!TryGetSetup(m, remote, out var setup, out error))
        {
            return false;
        }

        if (fingerprints.Count == 0)
        {
            error = "missing or malformed a=fingerprint";
            return false;
        }

        if (!TryGetSctpPort(m, out var sctpPort))
        {
            error = "malformed SCTP port (a=sctp-port, a=sctpmap or the legacy m= format)";
            return false;
        }

        ulong maxMessageSize = SdpNames.DefaultMaxMessageSize;
        if (m.HasAttribute(SdpNames.MaxMessageSize))
        {
            if (m.MaxMessageSize is not { } size)
            {
                error = "malformed a=max-message-size";
                return false;
            }

            maxMessageSize = size;
        }

        var preferred = fingerprints[0];
        foreach (var fingerprint in fingerprints)
        {
            if (string.Equals(fingerprint.Algorithm, SdpFingerprint.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                preferred = fingerprint;
                break;
            }
        }

        description = new RemoteDataChannelDescription(
            m.Mid, index, ufrag, pwd, preferred, setup, sctpPort, maxMessageSize, m.Candidates,
            remote.IsIceLite, m.HasEndOfCandidates || remote.HasEndOfCandidates, HasTrickle(m, remote), m.IsLegacySctp)
        {
            Fingerprints = fingerprints,
        };
        error = "";
        return true;
    }

    // RFC 8122 §5 / RFC 4145 §4: a=setup (section, else session level) is active, passive or actpass when present;
    // holdconn (no connection wanted) and unknown values leave nothing to connect.
    private static bool TryGetSetup(SdpMediaSection m, SessionDescription remote, out SdpSetup? setup, out string error)
    {
        var attributes = m.HasAttribute(SdpNames.Setup) ? m.Attributes : remote.Attributes;
        string? value = SdpAttributes.Find(attributes, SdpNames.Setup);
        setup = null;
        error = "";
        if (value is null)
        {
            return true;
        }

        if (!SdpNames.TryParseSetup(value, out var parsed) || parsed == SdpSetup.HoldConn)
        {
            error = $"a=setup:{(value.Length <= 32 ? value : value[..32] + "…")} is not active, passive or actpass";
            return false;
        }

        setup = parsed;
        return true;
    }

    private static bool TryGetSctpPort(SdpMediaSection m, out int port)
    {
        port = SdpNames.DefaultSctpPort;
        if (m.HasAttribute(SdpNames.SctpPort))
        {
            return m.SctpPort is { } p ? Assign(p, out port) : false;
        }

        if (m.HasAttribute(SdpNames.SctpMap))
        {
            return m.SctpMapPort is { } p ? Assign(p, out port) : false;
        }

        if (m.IsLegacySctp && m.Formats.Count > 0)
        {
            return int.TryParse(m.Formats[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
                && port is > 0 and <= 65535;
        }

        return true;
    }

    private static bool Assign(int value, out int port)
    {
        port = value;
        return true;
    }

    private static bool HasTrickle(SdpMediaSection m, SessionDescription remote)
    {
        var options = m.GetAttribute(SdpNames.IceOptions) ?? remote.GetAttribute(SdpNames.IceOptions) ?? "";
        foreach (var token in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(token, "trickle", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
