namespace RtcBench.Janus.Api;

/// <summary>The <c>error</c> object of a Janus error reply: the numeric code and Janus's own reason text.</summary>
public readonly record struct JanusError(int Code, string Reason)
{
    /// <summary>The code as a known <see cref="JanusErrorCode"/>, or <see cref="JanusErrorCode.Unknown"/>.</summary>
    public JanusErrorCode Kind => Enum.IsDefined(typeof(JanusErrorCode), Code) ? (JanusErrorCode)Code : JanusErrorCode.Unknown;
}
