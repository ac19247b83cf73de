namespace RtcBench.LiveKit.Rooms;

/// <summary>
/// A LiveKit server API (Twirp) call failed. <see cref="Code"/> is the Twirp error code: the server's own when it
/// answered with a Twirp error body (<see cref="IsServerError"/>), otherwise derived from the failure: the HTTP
/// status of a non-Twirp answer (an HTML error page from a proxy), <c>unavailable</c> when the server could not be
/// reached, <c>deadline_exceeded</c> on timeout, <c>malformed</c> for an answer that is not the expected JSON.
/// Messages never contain tokens or secrets.
/// </summary>
public sealed class TwirpException : Exception
{
    public TwirpException()
        : this(TwirpErrorCodes.Unknown, 0, "LiveKit server API call failed.")
    {
    }

    public TwirpException(string message)
        : this(TwirpErrorCodes.Unknown, 0, message)
    {
    }

    public TwirpException(string message, Exception innerException)
        : this(TwirpErrorCodes.Unknown, 0, message, innerException)
    {
    }

    public TwirpException(string code, int httpStatus, string message, Exception? innerException = null, bool isServerError = false)
        : base(message, innerException)
    {
        Code = code;
        HttpStatus = httpStatus;
        IsServerError = isServerError;
    }

    /// <summary>The Twirp error code (see <see cref="TwirpErrorCodes"/>).</summary>
    public string Code { get; }

    /// <summary>The HTTP status of the answer; 0 when no answer arrived (connection refused, timeout).</summary>
    public int HttpStatus { get; }

    /// <summary>True when the server answered with a Twirp error body, so <see cref="Code"/> is its own.</summary>
    public bool IsServerError { get; }
}
