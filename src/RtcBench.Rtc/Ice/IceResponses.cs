using System.Net;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Ice;

/// <summary>Writes the responses ICE agents send to checks (RFC 8445 §7.3.1.2-7.3.1.3, RFC 8489 §6.3.4).</summary>
internal static class IceResponses
{
    /// <summary>Enough for a header, an error code with its reason, eight unknown types, integrity and fingerprint.</summary>
    public const int ScratchSize = 256;

    /// <summary>Binding success: XOR-MAPPED-ADDRESS = the request's source, MESSAGE-INTEGRITY, FINGERPRINT.</summary>
    public static byte[] Success(Span<byte> scratch, StunMessage request, IPEndPoint from, ReadOnlySpan<byte> key)
    {
        var writer = new StunMessageWriter(scratch, StunMessageType.BindingSuccess, request.TransactionId);
        writer.AddXorMappedAddress(from);
        writer.AddMessageIntegrity(key);
        writer.AddFingerprint();
        return writer.ToArray();
    }

    /// <summary>
    /// An error response for the request's method. Integrity only when the request was authenticated (RFC 8489
    /// §9.1.3: not for 400/401 to unauthenticated requests); UNKNOWN-ATTRIBUTES with 420.
    /// </summary>
    public static byte[] Error(Span<byte> scratch, StunMessage request, int code, bool authenticated,
        ReadOnlySpan<byte> key, ReadOnlySpan<ushort> unknown = default)
    {
        var type = new StunMessageType(StunClass.ErrorResponse, request.Method);
        var writer = new StunMessageWriter(scratch, type, request.TransactionId);
        writer.AddErrorCode(code, Reason(code));
        if (code == StunErrorCode.UnknownAttribute)
        {
            writer.AddUnknownAttributes(unknown);
        }

        if (authenticated)
        {
            writer.AddMessageIntegrity(key);
        }

        writer.AddFingerprint();
        return writer.ToArray();
    }

    private static string Reason(int code) => code switch
    {
        StunErrorCode.BadRequest => "Bad Request",
        StunErrorCode.Unauthenticated => "Unauthenticated",
        StunErrorCode.UnknownAttribute => "Unknown Attribute",
        StunErrorCode.RoleConflict => "Role Conflict",
        _ => "Error",
    };
}
