namespace RtcBench.LiveKit.Auth;

/// <summary>
/// A LiveKit API key and its secret (PROTOCOLS.md §2 A4): the key goes into every token's <c>iss</c>, the secret signs
/// it (HS256). The secret never appears in <see cref="ToString"/>, logs or exception messages.
/// </summary>
public sealed record LiveKitCredentials
{
    public const string ApiKeyVariable = "LIVEKIT_API_KEY";
    public const string ApiSecretVariable = "LIVEKIT_API_SECRET";

    public LiveKitCredentials(string ApiKey, string ApiSecret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ApiKey);
        if (string.IsNullOrWhiteSpace(ApiSecret))
        {
            // Not ThrowIfNullOrWhiteSpace: its message would quote the argument, and this one is a secret.
            throw new ArgumentException("The LiveKit API secret is empty.", nameof(ApiSecret));
        }
        this.ApiKey = ApiKey;
        this.ApiSecret = ApiSecret;
    }

    public string ApiKey { get; }

    public string ApiSecret { get; }

    /// <summary>
    /// Credentials from <c>LIVEKIT_API_KEY</c> and <c>LIVEKIT_API_SECRET</c>; null when either is missing or blank.
    /// </summary>
    public static LiveKitCredentials? FromEnvironment() =>
        FromValues(
            Environment.GetEnvironmentVariable(ApiKeyVariable),
            Environment.GetEnvironmentVariable(ApiSecretVariable));

    /// <summary>Credentials from two raw values (e.g. configuration); null when either is missing or blank.</summary>
    public static LiveKitCredentials? FromValues(string? apiKey, string? apiSecret) =>
        string.IsNullOrWhiteSpace(apiKey) || string.IsNullOrWhiteSpace(apiSecret)
            ? null
            : new LiveKitCredentials(apiKey.Trim(), apiSecret.Trim());

    public void Deconstruct(out string ApiKey, out string ApiSecret)
    {
        ApiKey = this.ApiKey;
        ApiSecret = this.ApiSecret;
    }

    public override string ToString() => $"LiveKitCredentials {{ ApiKey = {ApiKey}, ApiSecret = *** }}";
}
