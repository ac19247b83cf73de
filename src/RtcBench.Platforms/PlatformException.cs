namespace RtcBench.Platforms;

/// <summary>A platform could not be joined or used; the message says why in one line.</summary>
public sealed class PlatformException : Exception
{
    public PlatformException(string message)
        : base(message)
    {
    }

    public PlatformException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
