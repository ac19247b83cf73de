namespace RtcBench.Janus.Tests.Support;

/// <summary>One Janus (default options: no API secret) shared by a test collection.</summary>
public sealed class JanusFixture : IAsyncLifetime
{
    private JanusServer? _server;

    internal JanusServer Server => _server ?? throw new InvalidOperationException("Janus did not start.");

    public async Task InitializeAsync() => _server = await JanusServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class JanusCollection : ICollectionFixture<JanusFixture>
{
    public const string Name = "Janus in a network namespace";
}
