using System.Net;
using RtcBench.Janus.Client;

namespace RtcBench.Janus.Participants;

/// <summary>How a data participant reaches Janus: the API client's options and our side of the WebRTC connections.</summary>
public sealed record JanusParticipantOptions
{
    public required JanusClientOptions Client { get; init; }

    /// <summary>Our host candidate's address; null: the address the OS routes towards Janus's API host.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>ICE, DTLS, SCTP and channel-open timeouts of our peer connections; null: the stack's defaults (10 s each).</summary>
    public TimeSpan? PeerPhaseTimeout { get; init; }

    /// <summary>Bounds a whole join (signalling, the connection, the channel); the participant's own waits stay inside it.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
