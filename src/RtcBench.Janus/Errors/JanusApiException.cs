using RtcBench.Janus.Api;

namespace RtcBench.Janus;

/// <summary>The Janus core answered <c>{"janus":"error"}</c>: <see cref="Code"/> and Janus's reason.</summary>
public sealed class JanusApiException : JanusException
{
    public JanusApiException(string request, JanusError error)
        : base($"Janus refused '{request}': {error.Code} {error.Reason}")
    {
        Request = request;
        RawCode = error.Code;
        Reason = error.Reason;
    }

    /// <summary>The request verb that was refused.</summary>
    public string Request { get; }

    public JanusErrorCode Code => new JanusError(RawCode, Reason).Kind;

    /// <summary>The number Janus sent (also for codes this client does not name).</summary>
    public int RawCode { get; }

    public string Reason { get; }
}
