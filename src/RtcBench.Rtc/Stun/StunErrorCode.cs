using System.Text;

namespace RtcBench.Rtc.Stun;

/// <summary>
/// ERROR-CODE (RFC 8489 §14.8): 21 reserved zero bits, the class (3..6, the hundreds) in 3 bits, the number
/// (0..99) in 8 bits, then a UTF-8 reason phrase of at most 763 bytes.
/// </summary>
public readonly record struct StunErrorCode(int Code, string Reason)
{
    public const int TryAlternate = 300;
    public const int BadRequest = 400;
    public const int Unauthenticated = 401;

    /// <summary>TURN (RFC 8656 §19): the request is not allowed.</summary>
    public const int Forbidden = 403;
    public const int UnknownAttribute = 420;
    /// <summary>TURN: the request does not match the 5-tuple's allocation (none, or one already there).</summary>
    public const int AllocationMismatch = 437;

    public const int StaleNonce = 438;

    /// <summary>TURN: the credentials differ from those the allocation was made with.</summary>
    public const int WrongCredentials = 441;

    /// <summary>TURN: REQUESTED-TRANSPORT names a protocol the server does not relay.</summary>
    public const int UnsupportedTransportProtocol = 442;

    /// <summary>TURN: the user's allocation quota is used up.</summary>
    public const int AllocationQuotaReached = 486;
    public const int RoleConflict = 487;
    public const int ServerError = 500;

    /// <summary>TURN: the server cannot make the allocation (or permission, or channel) now.</summary>
    public const int InsufficientCapacity = 508;

    public const int MaxReasonBytes = 763;

    public static bool TryRead(ReadOnlySpan<byte> value, out StunErrorCode error)
    {
        error = default;
        if (value.Length < 4 || value.Length - 4 > MaxReasonBytes)
        {
            return false;
        }

        int errorClass = value[2] & 0x07;
        int number = value[3];
        if (errorClass < 3 || errorClass > 6 || number > 99)
        {
            return false;
        }

        error = new StunErrorCode(errorClass * 100 + number, Encoding.UTF8.GetString(value[4..]));
        return true;
    }

    /// <summary>Writes the value and returns its length. Allocation-free.</summary>
    public static int Write(Span<byte> destination, int code, ReadOnlySpan<char> reason)
    {
        if (code < 300 || code > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, "STUN error codes are 300..699.");
        }

        int reasonBytes = Encoding.UTF8.GetByteCount(reason);
        if (reasonBytes > MaxReasonBytes || destination.Length < 4 + reasonBytes)
        {
            throw new ArgumentException("The reason phrase does not fit.", nameof(reason));
        }

        destination[0] = 0;
        destination[1] = 0;
        destination[2] = (byte)(code / 100);
        destination[3] = (byte)(code % 100);
        return 4 + Encoding.UTF8.GetBytes(reason, destination[4..]);
    }
}
