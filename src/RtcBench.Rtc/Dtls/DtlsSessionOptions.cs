namespace RtcBench.Rtc.Dtls;

/// <summary>
/// What one DTLS endpoint (<see cref="DtlsManagedEngine"/>) needs; validated by <see cref="Validate"/> when the engine
/// is created. <c>Core/RtcCore</c> builds it from its own options.
/// </summary>
public sealed record DtlsSessionOptions
{
    public required DtlsRole Role { get; init; }

    public required DtlsCertificate Certificate { get; init; }

    /// <summary>The peer's <c>a=fingerprint</c> from its SDP; the handshake fails unless its certificate matches.</summary>
    public required DtlsFingerprint RemoteFingerprint { get; init; }

    /// <summary>From the engine's start to the deadline by which the handshake must have finished.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

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
    /// As server: answer a ClientHello without a valid cookie with a HelloVerifyRequest (RFC 6347 §4.2.1). On by
    /// default.
    /// </summary>
    public bool HelloVerifyCookie { get; init; } = true;

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

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DtlsSessionOptions: " + string.Join(" ", errors));
        }
    }
}
