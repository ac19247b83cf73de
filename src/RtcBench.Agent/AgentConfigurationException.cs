namespace RtcBench.Agent;

/// <summary>Thrown by <see cref="AgentHost.StartAsync"/> when <see cref="AgentOptions"/> are invalid; lists every problem.</summary>
public sealed class AgentConfigurationException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public AgentConfigurationException(IReadOnlyList<string> problems)
        : base("invalid agent configuration: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }
}
