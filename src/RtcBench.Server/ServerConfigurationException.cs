namespace RtcBench.Server;

/// <summary>The service's options are unusable; <see cref="Exception.Message"/> lists every problem.</summary>
public sealed class ServerConfigurationException : Exception
{
    public ServerConfigurationException()
    {
        Problems = [];
    }

    public ServerConfigurationException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public ServerConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public ServerConfigurationException(IReadOnlyList<string> problems)
        : base("invalid results-service configuration: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    public IReadOnlyList<string> Problems { get; }
}
