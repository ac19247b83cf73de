namespace RtcBench.Interop.Tests.Peers;

/// <summary>
/// The node peer processes of a test run, one per stack, started on first use and shared by every test of the
/// collection (each cell uses its own peer connections in them).
/// </summary>
public sealed class NodePeers : IAsyncLifetime
{
    private readonly Dictionary<string, Task<NodePeer>> _started = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    internal Task<NodePeer> GetAsync(string stack)
    {
        lock (_gate)
        {
            if (!_started.TryGetValue(stack, out var peer) || peer.IsFaulted)
            {
                _started[stack] = peer = NodePeer.StartAsync(stack);
            }

            return peer;
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var started in _started.Values)
        {
            if (started.IsCompletedSuccessfully)
            {
                await started.Result.DisposeAsync();
            }
        }
    }
}
