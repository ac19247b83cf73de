namespace RtcBench.Rtc.Dtls;

/// <summary>Everything a <see cref="DtlsSession"/> needs; validated by <see cref="Validate"/> in the constructor.</summary>
public sealed record DtlsSessionOptions
{
    public required DtlsRole Role { get; init; }

    public required DtlsCertificate Certificate { get; init; }

    /// <summary>The peer's <c>a=fingerprint</c> from its SDP; the handshake fails unless its certificate matches.</summary>
    public required DtlsFingerprint RemoteFingerprint { get; init; }

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Incoming datagrams waiting for the DTLS thread; beyond this they are dropped and counted.</summary>
    public int ReceiveQueueCapacity { get; init; } = 512;

    /// <summary>
    /// After a handshake that negotiated 0xC02B, protect records with our own AES-GCM record layer and end the DTLS
    /// thread (receiving then runs on the thread that calls HandleDatagram). Off, or another suite: BouncyCastle keeps
    /// the record layer and its thread for the whole session.
    /// </summary>
    public bool ManagedRecordLayer { get; init; } = true;

    /// <summary>
    /// The SRTP protection profiles of use_srtp (RFC 5764), best first: as client we offer them, as server we select
    /// the first of them the client offered. Default SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_HMAC_SHA1_80 (what
    /// Chromium, Pion and werift offer). Empty: use_srtp is neither offered nor answered.
    /// </summary>
    public IReadOnlyList<DtlsSrtpProfile> SrtpProfiles { get; init; } = DtlsSrtpProfiles.Default;

    /// <summary>
    /// Fail the handshake (<see cref="DtlsFailureReason.SrtpProfileMismatch"/>) unless a profile is agreed. Off by
    /// default: a data-only session works without SRTP, and a peer that offers no use_srtp is still accepted.
    /// </summary>
    public bool RequireSrtp { get; init; }

    /// <summary>
    /// Which implementation runs the handshake: <see cref="DtlsEngine.Managed"/> (the sans-IO handshake on .NET crypto,
    /// Dtls/Managed, no thread; the default) or <see cref="DtlsEngine.Bouncy"/> (BouncyCastle on a thread per session
    /// during the handshake). The default can be switched back process-wide with <c>RTCBENCH_DTLS_ENGINE=bouncy</c>
    /// (read once). Only <see cref="DtlsSession"/> reads it: <c>Core/RtcCore</c>, and so <c>PeerConnection</c> and the
    /// agent's direct echo, always drive the managed engine directly.
    /// </summary>
    public DtlsEngine Engine { get; init; } = DefaultEngine;

    /// <summary>
    /// <see cref="DtlsEngine.Bouncy"/> when <c>RTCBENCH_DTLS_ENGINE</c> is <c>bouncy</c> (any case), else Managed
    /// (<c>managed</c>, unset, or anything else).
    /// </summary>
    public static DtlsEngine DefaultEngine { get; } = ParseEngine(Environment.GetEnvironmentVariable("RTCBENCH_DTLS_ENGINE"));

    /// <summary>The engine <c>RTCBENCH_DTLS_ENGINE</c>'s value selects (see <see cref="DefaultEngine"/>).</summary>
    internal static DtlsEngine ParseEngine(string? value) =>
        string.Equals(value?.Trim(), "bouncy", StringComparison.OrdinalIgnoreCase) ? DtlsEngine.Bouncy : DtlsEngine.Managed;

    /// <summary>
    /// Managed engine as server: answer a ClientHello without a valid cookie with a HelloVerifyRequest (RFC 6347
    /// §4.2.1). On by default; BouncyCastle's server (the Bouncy engine) never sends one.
    /// </summary>
    public bool HelloVerifyCookie { get; init; } = true;

    /// <summary>Drives the handshake timeout (the DTLS engine itself reads the real clock).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public void Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Role))
        {
            errors.Add($"Role {Role} is not a DtlsRole.");
        }

        if (Certificate is null)
        {
            errors.Add("Certificate is required.");
        }

        if (RemoteFingerprint is null)
        {
            errors.Add("RemoteFingerprint is required.");
        }

        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"HandshakeTimeout {HandshakeTimeout} must be in (0, 10 min].");
        }

        if (ReceiveQueueCapacity is < 1 or > 65536)
        {
            errors.Add($"ReceiveQueueCapacity {ReceiveQueueCapacity} must be in [1, 65536].");
        }

        if (SrtpProfiles is null)
        {
            errors.Add("SrtpProfiles is required (empty to offer none).");
        }
        else
        {
            foreach (var profile in SrtpProfiles)
            {
                if (!DtlsSrtpProfiles.IsSupported(profile))
                {
                    errors.Add($"SrtpProfile {profile} is not supported (AeadAes128Gcm, Aes128CmHmacSha1_80).");
                }
            }

            if (SrtpProfiles.Distinct().Count() != SrtpProfiles.Count)
            {
                errors.Add("SrtpProfiles lists a profile twice.");
            }

            if (RequireSrtp && SrtpProfiles.Count == 0)
            {
                errors.Add("RequireSrtp needs at least one SrtpProfile.");
            }
        }

        if (!Enum.IsDefined(Engine))
        {
            errors.Add($"Engine {Engine} is not a DtlsEngine.");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider is required.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DtlsSessionOptions: " + string.Join(" ", errors));
        }
    }
}
