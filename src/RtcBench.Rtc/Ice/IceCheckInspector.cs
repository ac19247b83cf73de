using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// The checks every ICE agent applies to an incoming Binding request, in RFC order (RFC 8489 §6.3, §9.1.3; RFC 8445
/// §7.3): fingerprint, method and credentials present, USERNAME, MESSAGE-INTEGRITY, unknown comprehension-required
/// attributes, then the ICE attributes. Role handling differs by agent and is left to the caller.
/// </summary>
internal static class IceCheckInspector
{
    public const int MaxUnknownReported = 8;

    /// <param name="request">A parsed message of class Request.</param>
    /// <param name="expectedUsername">UTF-8 of <c>localUfrag:remoteUfrag</c>.</param>
    /// <param name="key">UTF-8 of the local password.</param>
    /// <param name="unknown">Receives up to its length unknown comprehension-required types.</param>
    /// <param name="unknownCount">How many were written to <paramref name="unknown"/>.</param>
    public static IceCheckVerdict Inspect(StunMessage request, ReadOnlySpan<byte> expectedUsername,
        ReadOnlySpan<byte> key, Span<ushort> unknown, out int unknownCount)
    {
        unknownCount = 0;
        bool hasFingerprint = request.Contains(StunAttributeType.Fingerprint);
        if (hasFingerprint && !request.VerifyFingerprint())
        {
            return IceCheckVerdict.FingerprintFailure;
        }

        if (request.Method != StunMethod.Binding
            || !request.TryGetAttribute(StunAttributeType.Username, out var username)
            || !request.Contains(StunAttributeType.MessageIntegrity))
        {
            return IceCheckVerdict.BadRequest;
        }

        if (!username.Value.Span.SequenceEqual(expectedUsername))
        {
            return IceCheckVerdict.Unauthenticated;
        }

        if (!request.VerifyIntegrity(key))
        {
            return IceCheckVerdict.IntegrityFailure;
        }

        int total = request.GetUnknownComprehensionRequired(unknown);
        if (total > 0)
        {
            unknownCount = Math.Min(total, unknown.Length);
            return IceCheckVerdict.UnknownAttributes;
        }

        return hasFingerprint && request.TryGetPriority(out _) ? IceCheckVerdict.Valid : IceCheckVerdict.BadCheck;
    }

    /// <summary>
    /// <see cref="Inspect"/>, plus the error response RFC 8489 calls for, if any (none for a valid check or when the
    /// request is dropped silently).
    /// </summary>
    public static IceCheckVerdict Examine(StunMessage request, ReadOnlySpan<byte> expectedUsername,
        ReadOnlySpan<byte> key, Span<byte> scratch, out byte[]? reply)
    {
        Span<ushort> unknown = stackalloc ushort[MaxUnknownReported];
        var verdict = Inspect(request, expectedUsername, key, unknown, out int unknownCount);
        reply = verdict switch
        {
            IceCheckVerdict.BadRequest => IceResponses.Error(scratch, request, StunErrorCode.BadRequest, false, key),
            IceCheckVerdict.Unauthenticated => IceResponses.Error(scratch, request, StunErrorCode.Unauthenticated, false, key),
            IceCheckVerdict.UnknownAttributes => IceResponses.Error(
                scratch, request, StunErrorCode.UnknownAttribute, true, key, unknown[..unknownCount]),
            IceCheckVerdict.BadCheck => IceResponses.Error(scratch, request, StunErrorCode.BadRequest, true, key),
            _ => null,
        };
        return verdict;
    }
}
