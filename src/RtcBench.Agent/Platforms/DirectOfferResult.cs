namespace RtcBench.Agent.Platforms;

internal enum DirectOfferStatus
{
    Answered,
    UnknownRoom,
    BadToken,
    AlreadyConnected,
    BadOffer,
}

/// <summary>What became of a POSTed offer: the SDP answer, or why there is none.</summary>
internal sealed record DirectOfferResult(DirectOfferStatus Status, string? Answer = null, string? Error = null);
