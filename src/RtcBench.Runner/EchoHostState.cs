namespace RtcBench.Runner;

/// <summary>What the agent answered when asked, mid-run, whether it still hosts a room's echo.</summary>
public enum EchoHostState
{
    /// <summary>The agent answers <c>/health</c> and still has the room: the echo is there, a silence is the path's.</summary>
    Present,

    /// <summary>The agent is gone (connection refused or reset, an error answer) or no longer has the room.</summary>
    Gone,

    /// <summary>No answer in time: as likely a network outage as a dead host, so it proves nothing.</summary>
    Unknown,
}
