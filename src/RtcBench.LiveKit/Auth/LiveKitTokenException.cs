namespace RtcBench.LiveKit.Auth;

/// <summary>A LiveKit access token was refused: bad signature, expired, not yet valid, no exp, wrong issuer, malformed.</summary>
/// <remarks>Messages say what is wrong with the token; they never contain the token or the secret.</remarks>
public sealed class LiveKitTokenException : Exception
{
    public LiveKitTokenException()
    {
    }

    public LiveKitTokenException(string message)
        : base(message)
    {
    }

    public LiveKitTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
