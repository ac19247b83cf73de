namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>What a valid join token lets its holder do in the stand-in.</summary>
internal sealed record StandInGrant(string Identity, string Room, bool CanSubscribe);
