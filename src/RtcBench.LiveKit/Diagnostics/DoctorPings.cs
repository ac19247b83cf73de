using System.Buffers.Binary;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;

namespace RtcBench.LiveKit.Diagnostics;

/// <summary>
/// The doctor's ping payload: 4 bytes "RBDR", the kind, and a sequence number (little-endian int32). A late answer to an
/// earlier ping, or one on the other kind, is ignored.
/// </summary>
internal static class DoctorPing
{
    public const int Length = 12;

    private const uint Magic = 0x52444252; // "RBDR" little-endian

    public static void Write(Span<byte> payload, LiveKitDataKind kind, int sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(payload, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(payload[4..], (int)kind);
        BinaryPrimitives.WriteInt32LittleEndian(payload[8..], sequence);
    }

    public static bool TryRead(ReadOnlySpan<byte> payload, out LiveKitDataKind kind, out int sequence)
    {
        kind = default;
        sequence = 0;
        if (payload.Length != Length || BinaryPrimitives.ReadUInt32LittleEndian(payload) != Magic)
        {
            return false;
        }

        kind = (LiveKitDataKind)BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        sequence = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
        return true;
    }
}

/// <summary>Participant B: answers every packet to the sender identity LiveKit stamped, on the kind it arrived on.</summary>
internal sealed class DoctorEcho : ILiveKitDataReceiver
{
    private long _sendFailures;

    public LiveKitParticipant? Participant { get; set; }

    public long SendFailures => Interlocked.Read(ref _sendFailures);

    public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
    {
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

/// <summary>Participant A's receiver: completes the one ping it is waiting for with the answer's receive time.</summary>
internal sealed class DoctorPongs : ILiveKitDataReceiver
{
    private readonly Lock _gate = new();
    private LiveKitDataKind _kind;
    private int _sequence;
    private TaskCompletionSource<(long ReceivedNs, string Sender)>? _waiter;

    /// <summary>Starts waiting for the answer to ping <paramref name="sequence"/> on <paramref name="kind"/>.</summary>
    public Task<(long ReceivedNs, string Sender)> Expect(LiveKitDataKind kind, int sequence)
    {
        var waiter = new TaskCompletionSource<(long, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _kind = kind;
            _sequence = sequence;
            _waiter = waiter;
        }

        return waiter.Task;
    }

    public void OnData(LiveKitDataKind kind, string senderIdentity, ReadOnlySpan<byte> payload, long receivedNs)
    {
        if (!DoctorPing.TryRead(payload, out var pingKind, out int sequence) || pingKind != kind)
        {
            return;
        }

        TaskCompletionSource<(long, string)>? waiter = null;
        lock (_gate)
        {
            if (_waiter is not null && kind == _kind && sequence == _sequence)
            {
                waiter = _waiter;
                _waiter = null;
            }
        }

        waiter?.TrySetResult((receivedNs, senderIdentity));
    }
}
