namespace RtcBench.LiveKit.Participant;

/// <summary>
/// An ICE server from JoinResponse.ice_servers, recorded for the run (the credential is kept out: it is a secret).
/// Our stack gathers host candidates only, so STUN and TURN servers are not used yet (see <see cref="LiveKitParticipant.RelayNote"/>).
/// </summary>
public sealed record LiveKitIceServer(IReadOnlyList<string> Urls, string Username, bool HasCredential)
{
    public bool IsTurn => Urls.Any(u => u.StartsWith("turn:", StringComparison.OrdinalIgnoreCase) || u.StartsWith("turns:", StringComparison.OrdinalIgnoreCase));
}
