namespace RtcBench.LiveKit.Auth;

/// <summary>The claims of a verified LiveKit access token.</summary>
/// <param name="ApiKey">The <c>iss</c> claim: the API key the token was signed for.</param>
/// <param name="Identity">The <c>sub</c> claim (LiveKit falls back to <c>jti</c>); empty for admin tokens without one.</param>
/// <param name="Name">The <c>name</c> claim: the participant's display name.</param>
/// <param name="Grant">The <c>video</c> claim; an empty grant when absent.</param>
/// <param name="Expires">The <c>exp</c> claim.</param>
public sealed record LiveKitTokenClaims(string ApiKey, string Identity, string? Name, VideoGrant Grant, DateTimeOffset Expires)
{
    /// <summary>The <c>metadata</c> claim: participant metadata set when joining.</summary>
    public string? Metadata { get; init; }

    /// <summary>The <c>nbf</c> claim, when present.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The <c>iat</c> claim, when present (LiveKit's JS SDK does not set it).</summary>
    public DateTimeOffset? IssuedAt { get; init; }
}
