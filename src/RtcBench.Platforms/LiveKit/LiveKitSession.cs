using RtcBench.Core.Timing;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;

namespace RtcBench.Platforms.LiveKit;

/// <summary>
/// The one LiveKit participant both channels of a join share: routes each packet from the echo participant to the
/// channel of its kind (packets from anyone else are counted and dropped), and leaves when the last channel is disposed.
/// Once watching (<see cref="Watch"/>), it tells both channels when the echo is gone: the echo participant left the
/// room (ParticipantUpdate DISCONNECTED), or our session ended for any reason but our own leaving.
/// </summary>
internal sealed class LiveKitSession(LiveKitParticipant participant, string echoIdentity) : ILiveKitDataReceiver
{
    private readonly TaskCompletionSource<EchoLoss> _echoLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly LiveKitPingChannel?[] _channels = new LiveKitPingChannel?[2];
    private int _open = 2;
    private long _foreign;

    public LiveKitParticipant Participant => participant;

    public string EchoIdentity => echoIdentity;

    /// <summary>Packets from participants other than the echo: dropped.</summary>
    public long Foreign => Interlocked.Read(ref _foreign);

    /// <summary>Completes when the echo is gone (see the class summary).</summary>
    public Task<EchoLoss> EchoLost => _echoLost.Task;

    public void Attach(LiveKitPingChannel channel) => _channels[(int)channel.Kind] = channel;

    /// <summary>Starts watching the echo participant and our session; call once the echo is in the room.</summary>
    public void Watch(MonoTime clock)
    {
        _ = WatchEchoAsync(clock);
        participant.WhenEnded.ContinueWith(
            ended => OnSessionEnded(ended.Result, clock.NowNs()),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }

    /// <summary>The evidence our session's end gives, or null when we left (our own close).</summary>
    internal static EchoLoss? Describe(LiveKitOutcome outcome, long noticedNs) => outcome.Kind switch
    {
        LiveKitEndKind.Left => null,
        // The server removed us (e.g. ROOM_DELETED: the agent closed the room): the echo went with it.
        LiveKitEndKind.ServerLeave => new EchoLoss(noticedNs, "the LiveKit server ended our session: " + outcome, Definitive: true),
        _ => new EchoLoss(noticedNs, "our LiveKit session ended: " + outcome, Definitive: false),
    };

    private async Task WatchEchoAsync(MonoTime clock)
    {
        try
        {
            await participant.WaitForParticipantGoneAsync(echoIdentity, CancellationToken.None).ConfigureAwait(false);
        }
        catch (LiveKitException)
        {
            return; // our session ended first: OnSessionEnded decides
        }
        _echoLost.TrySetResult(new EchoLoss(clock.NowNs(),
            $"the echo participant '{echoIdentity}' left the LiveKit room (ParticipantUpdate DISCONNECTED)", Definitive: true));
    }

    private void OnSessionEnded(LiveKitOutcome outcome, long noticedNs)
    {
        if (Describe(outcome, noticedNs) is { } loss)
        {
            _echoLost.TrySetResult(loss);
        }
    }

    public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
    {
        if (!string.Equals(senderIdentity, echoIdentity, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        _channels[(int)kind]?.Deliver(payload, receivedNs);
    }

    public async ValueTask ReleaseAsync()
    {
        if (Interlocked.Decrement(ref _open) == 0)
        {
            await participant.DisposeAsync().ConfigureAwait(false);
        }
    }
}
