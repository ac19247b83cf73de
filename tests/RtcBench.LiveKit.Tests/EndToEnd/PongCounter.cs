using System.Collections.Concurrent;
using RtcBench.Core.Protocol;
using RtcBench.LiveKit.Data;

namespace RtcBench.LiveKit.Tests.EndToEnd;

/// <summary>Collects the agent echo's pongs per kind (each seq once), with who sent them; completes at the expected count.</summary>
internal sealed class PongCounter(int expected) : ILiveKitDataReceiver
{
    private readonly Lock _gate = new();
    private readonly HashSet<long>[] _seen = [[], []];
    private readonly TaskCompletionSource[] _complete =
        [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];

    /// <summary>Pings in flight allowed: the sender waits on it before each ping; each new pong releases one.</summary>
    public SemaphoreSlim Window { get; } = new(32);

    public ConcurrentDictionary<string, int> Senders { get; } = new(StringComparer.Ordinal);

    public List<PongFields> Pongs { get; } = [];

    public int NotPongs { get; private set; }

    public int Duplicates { get; private set; }

    public Task Complete(LiveKitDataKind kind) => _complete[(int)kind].Task;

    public int Count(LiveKitDataKind kind)
    {
        lock (_gate)
        {
            return _seen[(int)kind].Count;
        }
    }

    public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
    {
        Senders.AddOrUpdate(senderIdentity, 1, (_, n) => n + 1);
        bool ok = PingCodec.TryReadPong(payload, out var pong);
        lock (_gate)
        {
            if (!ok)
            {
                NotPongs++;
                return;
            }

            if (!_seen[(int)kind].Add(pong.Seq))
            {
                Duplicates++;
                return;
            }

            Pongs.Add(pong);
            if (_seen[(int)kind].Count == expected)
            {
                _complete[(int)kind].TrySetResult();
            }
        }

        Window.Release();
    }
}
