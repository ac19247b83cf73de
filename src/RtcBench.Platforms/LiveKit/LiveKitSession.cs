using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;

namespace RtcBench.Platforms.LiveKit;

/// <summary>
/// The one LiveKit participant both channels of a join share: routes each packet from the echo participant to the
/// channel of its kind (packets from anyone else are counted and dropped), and leaves when the last channel is disposed.
/// </summary>
internal sealed class LiveKitSession(LiveKitParticipant participant, string echoIdentity) : ILiveKitDataReceiver
{
    private readonly LiveKitPingChannel?[] _channels = new LiveKitPingChannel?[2];
    private int _open = 2;
    private long _foreign;

    public LiveKitParticipant Participant => participant;

    public string EchoIdentity => echoIdentity;

    /// <summary>Packets from participants other than the echo: dropped.</summary>
    public long Foreign => Interlocked.Read(ref _foreign);

    public void Attach(LiveKitPingChannel channel) => _channels[(int)channel.Kind] = channel;

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
