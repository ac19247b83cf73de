namespace RtcBench.LiveKit.Participant;

/// <summary>Another participant of the room, as last described by the server.</summary>
public sealed record LiveKitRemoteParticipant(string Identity, string Sid, string State, string Kind);
