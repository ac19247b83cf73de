namespace RtcBench.LiveKit.Participant;

/// <summary>
/// Milliseconds from the start of the join to each step (null: not reached). The peer connections' own ICE/DTLS/SCTP
/// timings are on <see cref="LiveKitParticipant.PublisherTimings"/> and <see cref="LiveKitParticipant.SubscriberTimings"/>.
/// </summary>
public sealed record LiveKitJoinTimings(
    double? WebSocketMs,
    double? JoinResponseMs,
    double? PublisherAnswerMs,
    double? PublisherConnectedMs,
    double? SubscriberOfferMs,
    double? SubscriberConnectedMs,
    double? ReadyMs);
