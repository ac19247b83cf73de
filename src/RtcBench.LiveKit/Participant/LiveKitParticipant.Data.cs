using RtcBench.LiveKit.Data;
using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Participant;

/// <summary>
/// The data path. Sending: one reused buffer under a lock taken after the publisher connection's own
/// (<see cref="PeerConnection.SyncRoot"/>: the reliable sequence must reach the channel in order),
/// <see cref="DataPacketWriter"/> into it, and the channel copies it on. Receiving: <see cref="DataPacketReader"/>
/// over the received bytes, the sender identity from a cache. No allocation, logging or LINQ in steady state.
/// </summary>
public sealed partial class LiveKitParticipant
{
    /// <summary>The data channel labels LiveKit uses (PROTOCOLS.md §2 A3); the server takes the kind from them.</summary>
    public const string ReliableLabel = "_reliable";

    public const string LossyLabel = "_lossy";

    /// <summary>The largest payload <see cref="Send"/> accepts (LiveKit documents 15 KiB per packet).</summary>
    public const int MaxPayloadBytes = DataPacketWriter.MaxPayloadBytes;

    private readonly Lock _sendGate = new();
    private readonly byte[] _sendBuffer = new byte[DataPacketWriter.MaxPacketBytes];
    private readonly DataChannelMessageHandler _onReliable;
    private readonly DataChannelMessageHandler _onLossy;
    private volatile DataChannel? _pubReliable;
    private volatile DataChannel? _pubLossy;
    private volatile DataChannel? _subReliable;
    private volatile DataChannel? _subLossy;
    private uint _reliableSequence;
    private long _dataReceived;
    private long _malformedData;
    private long _ignoredData;
    private long _sendsRefused;

    /// <summary>User packets received (on either connection).</summary>
    public long DataReceived => Interlocked.Read(ref _dataReceived);

    /// <summary>Data messages dropped because they are not a DataPacket.</summary>
    public long MalformedData => Interlocked.Read(ref _malformedData);

    /// <summary>DataPackets that are not user packets (chat, RPC, streams, transcriptions…): ignored.</summary>
    public long IgnoredData => Interlocked.Read(ref _ignoredData);

    /// <summary>Sends the stack refused (its queue was full): the packet was lost.</summary>
    public long SendsRefused => Interlocked.Read(ref _sendsRefused);

    /// <summary>The last reliable sequence number sent (0 before the first).</summary>
    public uint ReliableSequence => Volatile.Read(ref _reliableSequence);

    /// <summary>
    /// Sends <c>DataPacket{destination_identities=[<paramref name="destinationIdentity"/>], user{payload}}</c> on the
    /// publisher's channel of <paramref name="kind"/> (reliable packets numbered from 1 per sender, lossy 0). An empty
    /// destination means everyone else. Thread-safe; does not allocate. Returns false when the stack's queue was full
    /// (the packet is lost). Throws <see cref="InvalidOperationException"/> when not joined or ended, and
    /// <see cref="ArgumentException"/> for a payload over <see cref="MaxPayloadBytes"/>.
    /// </summary>
    public bool Send(LiveKitDataKind kind, ReadOnlySpan<byte> payload, string destinationIdentity)
    {
        ArgumentNullException.ThrowIfNull(destinationIdentity);
        var channel = kind == LiveKitDataKind.Reliable ? _pubReliable : _pubLossy;
        var publisher = _publisher;
        if (channel is null || publisher is null || channel.State != DataChannelState.Open || _ended.Task.IsCompleted)
        {
            throw NotSending(kind);
        }

        bool sent;
        // The publisher connection's lock first, then ours: a message callback (an echo sending from it) already holds
        // its connection's lock, so taking ours first could deadlock with a callback on the publisher.
        lock (publisher.SyncRoot)
        lock (_sendGate)
        {
            int length = WritePacket(kind, payload, destinationIdentity);
            try
            {
                sent = channel.Send(_sendBuffer.AsSpan(0, length));
            }
            catch (InvalidOperationException)
            {
                throw NotSending(kind);
            }
        }

        if (!sent)
        {
            Interlocked.Increment(ref _sendsRefused);
        }

        return sent;
    }

    /// <summary>
    /// Numbers and writes the packet into the reused send buffer (caller holds <see cref="_sendGate"/>): everything
    /// <see cref="Send"/> does besides the stack's <see cref="DataChannel.Send"/>, which copies it on.
    /// </summary>
    internal int WritePacket(LiveKitDataKind kind, ReadOnlySpan<byte> payload, string destinationIdentity)
    {
        uint sequence = kind == LiveKitDataKind.Reliable ? ++_reliableSequence : 0;
        return DataPacketWriter.Write(_sendBuffer, kind, payload, destinationIdentity, sequence);
    }

    /// <summary>The bytes <see cref="WritePacket"/> wrote (tests).</summary>
    internal ReadOnlySpan<byte> LastPacket(int length) => _sendBuffer.AsSpan(0, length);

    private InvalidOperationException NotSending(LiveKitDataKind kind) => new(Outcome is { } outcome
        ? $"The LiveKit session has ended ({outcome})."
        : $"The LiveKit {kind} channel is not open (join first).");

    private void OnReliableMessage(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs) =>
        OnDataMessage(LiveKitDataKind.Reliable, message, receivedNs);

    private void OnLossyMessage(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs) =>
        OnDataMessage(LiveKitDataKind.Lossy, message, receivedNs);

    private void OnDataMessage(LiveKitDataKind kind, ReadOnlySpan<byte> message, long receivedNs)
    {
        if (!DataPacketReader.TryRead(message, out var packet))
        {
            Interlocked.Increment(ref _malformedData);
            return;
        }

        if (!packet.IsUser)
        {
            Interlocked.Increment(ref _ignoredData);
            return;
        }

        Interlocked.Increment(ref _dataReceived);
        _receiver?.OnData(kind, _identities.Resolve(packet.SenderIdentity), packet.Payload, receivedNs);
    }
}
