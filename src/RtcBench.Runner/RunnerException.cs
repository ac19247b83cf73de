namespace RtcBench.Runner;

/// <summary>Why a benchmark could not run; each kind maps to one CLI exit code.</summary>
public enum RunnerFailure
{
    /// <summary>The agent did not answer (connection refused, DNS, timeout, not an RtcBench agent).</summary>
    AgentUnreachable,

    /// <summary>The agent answered with an error (bad key, unknown platform, no capacity...).</summary>
    AgentRejected,

    /// <summary>The platform could not be joined.</summary>
    JoinFailed,

    /// <summary>The echo never answered the readiness probes.</summary>
    NotReady,

    /// <summary>A channel was not measured because the echo it shares with an earlier run was found gone.</summary>
    EchoLost,
}

/// <summary>A benchmark could not run; the message is one clear line for the user.</summary>
public sealed class RunnerException : Exception
{
    public RunnerException(RunnerFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public RunnerFailure Failure { get; }
}
