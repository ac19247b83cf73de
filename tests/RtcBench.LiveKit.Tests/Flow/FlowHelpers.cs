using System.Buffers.Binary;
using System.Collections.Concurrent;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Flow;

/// <summary>Shared pieces of the flow tests: join options for the stand-in, an echo and a pong collector.</summary>
internal static class FlowHelpers
{
    /// <summary>Hang guard for a whole test: generous, never a speed assertion.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(90);

    public static LiveKitJoinOptions Options(StandInLiveKitServer server, string identity, string room) => new()
    {
        Url = server.Url,
        Token = server.Token(identity, room),
        JoinTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>
    /// werift, the stand-in's side, lets the side that created a channel send only once the DCEP ACK is in (Pion,
    /// LiveKit's stack, sends at once; the stand-in holds reliable packets until then, lossy ones are undeliverable), so
    /// a test waits until the stand-in's subscriber channels to a participant are open before data may flow to it.
    /// </summary>
    public static Task ServerChannelsOpen(StandInLiveKitServer server, string room, string identity) =>
        server.FindSession(room, identity)!.SubscriberChannelsOpen;

    public static byte[] Ping(int sequence)
    {
        var payload = new byte[32];
        BinaryPrimitives.WriteInt32LittleEndian(payload, sequence);
        return payload;
    }
}

/// <summary>Answers every packet to the identity the server stamped as its sender, on the same kind of channel.</summary>
internal sealed class EchoReceiver : ILiveKitDataReceiver
{
    public LiveKitParticipant? Participant { get; set; }

    public ConcurrentDictionary<string, int> Senders { get; } = new(StringComparer.Ordinal);

    public int SendFailures => _sendFailures;

    private int _sendFailures;

    public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
    {
        Senders.AddOrUpdate(senderIdentity, 1, (_, n) => n + 1);
        try
        {
            if (Participant?.Send(kind, payload, senderIdentity) != true)
            {
                Interlocked.Increment(ref _sendFailures);
            }
        }
        catch (InvalidOperationException)
        {
            Interlocked.Increment(ref _sendFailures);
        }
    }
}

/// <summary>Collects answers by sequence per kind; completes when every expected one has arrived.</summary>
internal sealed class PongCollector(int expected) : ILiveKitDataReceiver
{
    private readonly Lock _gate = new();
    private readonly bool[][] _seen = [new bool[expected + 1], new bool[expected + 1]];
    private readonly int[] _count = new int[2];
    private readonly TaskCompletionSource[] _complete =
        [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];

    public SemaphoreSlim Window { get; } = new(32);

    public ConcurrentDictionary<string, int> Senders { get; } = new(StringComparer.Ordinal);

    public int Duplicates { get; private set; }

    public int Count(LiveKitDataKind kind)
    {
        lock (_gate)
        {
            return _count[(int)kind];
        }
    }

    public Task Complete(LiveKitDataKind kind) => _complete[(int)kind].Task;

    public long LastReceivedNs { get; private set; }

    public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
    {
        Senders.AddOrUpdate(senderIdentity, 1, (_, n) => n + 1);
        int sequence = payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : -1;
        lock (_gate)
        {
            LastReceivedNs = receivedNs;
            var seen = _seen[(int)kind];
            if (sequence < 1 || sequence >= seen.Length || seen[sequence])
            {
                Duplicates++;
                return;
            }

            seen[sequence] = true;
            if (++_count[(int)kind] == seen.Length - 1)
            {
                _complete[(int)kind].TrySetResult();
            }
        }

        Window.Release();
    }
}
