using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Signalling;

/// <summary>What a <see cref="SignalConnection"/> reports, in order, from its read loop.</summary>
internal interface ISignalHandler
{
    /// <summary>One parsed server message. Runs on the read loop: the next message waits for it.</summary>
    ValueTask OnResponseAsync(SignalResponse response);

    /// <summary>The connection ended without us closing it (dropped, closed by the server, keepalive timeout). Once.</summary>
    void OnSignalLost(LiveKitOutcome outcome);
}
