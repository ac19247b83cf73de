using RtcBench.Rtc.Peer;

namespace RtcBench.Platforms.Direct;

/// <summary>The one peer connection both channels of a direct join share: closed when the last channel is disposed.</summary>
internal sealed class DirectPeerOwner(PeerConnection peer, int channels)
{
    private int _open = channels;

    public PeerConnection Peer => peer;

    public async ValueTask ReleaseAsync()
    {
        if (Interlocked.Decrement(ref _open) == 0)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
