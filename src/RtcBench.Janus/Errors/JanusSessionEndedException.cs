using RtcBench.Janus.Client;

namespace RtcBench.Janus;

/// <summary>A request or a wait was cut short because its session ended (timed out, not found, transport lost, destroyed).</summary>
public sealed class JanusSessionEndedException : JanusException
{
    public JanusSessionEndedException(JanusSessionEnd end)
        : base($"The Janus session ended: {end}")
    {
        End = end;
    }

    public JanusSessionEnd End { get; }
}
