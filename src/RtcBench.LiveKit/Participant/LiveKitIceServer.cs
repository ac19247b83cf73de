namespace RtcBench.LiveKit.Participant;

/// <summary>
/// An ICE server from JoinResponse.ice_servers as recorded for the run: URLs, username and whether a credential was
/// given — never the credential, a (short-lived) secret. The peer connections get the full server, credential
/// included, in memory only; the first <c>turn:</c> URL over UDP becomes a relay candidate (<c>turns:</c>, TCP and
/// STUN are not used). What became of it: <see cref="LiveKitParticipant.RelayNote"/>.
/// </summary>
public sealed record LiveKitIceServer(IReadOnlyList<string> Urls, string Username, bool HasCredential)
{
    public bool IsTurn => Urls.Any(u => u.StartsWith("turn:", StringComparison.OrdinalIgnoreCase) || u.StartsWith("turns:", StringComparison.OrdinalIgnoreCase));
}
