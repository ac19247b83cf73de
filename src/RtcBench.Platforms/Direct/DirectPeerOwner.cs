using RtcBench.Core.Timing;
using RtcBench.Rtc.Peer;

namespace RtcBench.Platforms.Direct;

/// <summary>
/// The one peer connection both channels of a direct join share: closed when the last channel is disposed. It turns
/// the connection's end into the channels' <see cref="IEchoLossSignal"/>: the agent closing it (SCTP ABORT or
/// SHUTDOWN, DTLS close_notify) is definitive; consent expiry or a failed SCTP/DTLS says only that the path failed.
/// Our own close and defects of our stack are not the echo's loss and signal nothing.
/// </summary>
internal sealed class DirectPeerOwner
{
    private readonly PeerConnection _peer;
    private readonly TaskCompletionSource<EchoLoss> _echoLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _open;

    public DirectPeerOwner(PeerConnection peer, int channels, MonoTime clock)
    {
        _peer = peer;
        _open = channels;
        peer.WhenEnded.ContinueWith(
            ended => OnEnded(ended.Result, clock.NowNs()),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }

    public PeerConnection Peer => _peer;

    /// <summary>Completes when the connection ended for a reason on the echo's side or on the path to it.</summary>
    public Task<EchoLoss> EchoLost => _echoLost.Task;

    public async ValueTask ReleaseAsync()
    {
        if (Interlocked.Decrement(ref _open) == 0)
        {
            await _peer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The evidence a connection's end gives, or null when it is not the echo's loss.</summary>
    internal static EchoLoss? Describe(PeerOutcome outcome, long noticedNs) => outcome.Phase switch
    {
        PeerPhase.PeerClosed => new EchoLoss(noticedNs, "the agent closed the WebRTC connection: " + outcome.Reason, Definitive: true),
        PeerPhase.Consent => new EchoLoss(noticedNs, "ICE " + outcome.Reason, Definitive: false),
        PeerPhase.Sctp or PeerPhase.Dtls or PeerPhase.Ice => new EchoLoss(noticedNs, "the WebRTC connection failed: " + outcome.Reason, Definitive: false),
        _ => null,
    };

    private void OnEnded(PeerOutcome outcome, long noticedNs)
    {
        if (Describe(outcome, noticedNs) is { } loss)
        {
            _echoLost.TrySetResult(loss);
        }
    }
}
