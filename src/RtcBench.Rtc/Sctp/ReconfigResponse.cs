using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Re-configuration Response parameter (RFC 6525 §4.4, type 16): the request sequence number answered and a
/// result (0 success-nothing-to-do, 1 success-performed, 2 denied, 3 error-wrong-SSN, 4 error-request-already-in-
/// progress, 5 error-bad-sequence-number, 6 in-progress). The optional TSN fields belong to SSN/TSN reset only.
/// </summary>
internal sealed record ReconfigResponse(uint ResponseSeq, uint Result)
{
    public const uint SuccessNothingToDo = 0;
    public const uint SuccessPerformed = 1;
    public const uint Denied = 2;
    public const uint ErrorWrongSsn = 3;
    public const uint ErrorRequestAlreadyInProgress = 4;
    public const uint ErrorBadSequenceNumber = 5;
    public const uint InProgress = 6;

    public SctpTlv ToTlv()
    {
        var v = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(v, ResponseSeq);
        BinaryPrimitives.WriteUInt32BigEndian(v.AsSpan(4), Result);
        return new SctpTlv(SctpParameterType.ReconfigurationResponse, v);
    }

    public static bool TryRead(SctpTlv tlv, out ReconfigResponse resp)
    {
        resp = null!;
        var v = tlv.Value;
        if (tlv.Type != SctpParameterType.ReconfigurationResponse || (v.Length != 8 && v.Length != 16))
        {
            return false;
        }

        resp = new ReconfigResponse(BinaryPrimitives.ReadUInt32BigEndian(v), BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan(4)));
        return true;
    }
}
