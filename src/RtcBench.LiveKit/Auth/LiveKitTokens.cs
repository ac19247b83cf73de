using System.Buffers;
using System.IdentityModel.Tokens.Jwt;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace RtcBench.LiveKit.Auth;

/// <summary>
/// LiveKit access tokens (PROTOCOLS.md §2 A4; LiveKit's <c>auth/accesstoken.go</c> and <c>auth/verifier.go</c>):
/// HS256 JWTs whose <c>iss</c> is the API key, <c>sub</c> the participant identity, <c>exp</c> required, and whose
/// <c>video</c> claim is a <see cref="VideoGrant"/>. Checked against LiveKit's own npm package by the tests.
/// </summary>
public static class LiveKitTokens
{
    /// <summary>The clock leeway LiveKit's verifier allows on <c>exp</c> and <c>nbf</c>.</summary>
    public static readonly TimeSpan ClockLeeway = TimeSpan.FromMinutes(1);

    /// <summary>The longest time to live <see cref="Create"/> accepts.</summary>
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(366);

    private const string Algorithm = SecurityAlgorithms.HmacSha256; // "HS256"

    /// <summary>
    /// Mints a token for <paramref name="identity"/> with <paramref name="grant"/>, valid from now for
    /// <paramref name="ttl"/>. <paramref name="identity"/> may be empty for admin tokens (no <c>sub</c> is written)
    /// but not when the grant joins a room.
    /// </summary>
    public static string Create(
        LiveKitCredentials credentials,
        string identity,
        VideoGrant grant,
        TimeSpan ttl,
        TimeProvider? time = null,
        string? name = null,
        string? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(grant);
        if (ttl < TimeSpan.FromSeconds(1) || ttl > MaxTimeToLive)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, $"A token's time to live must be between 1 s and {MaxTimeToLive.TotalDays} days.");
        }
        if (grant.RoomJoin && identity.Length == 0)
        {
            throw new ArgumentException("A token that joins a room needs a participant identity.", nameof(identity));
        }
        if ((grant.RoomJoin || grant.RoomAdmin) && string.IsNullOrEmpty(grant.Room))
        {
            throw new ArgumentException("A roomJoin or roomAdmin grant needs the room it is for (VideoGrant.Room).", nameof(grant));
        }

        long now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds();
        var payload = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("iss", credentials.ApiKey);
            if (identity.Length > 0)
            {
                json.WriteString("sub", identity);
            }
            json.WriteNumber("nbf", now);
            json.WriteNumber("iat", now);
            json.WriteNumber("exp", now + (long)ttl.TotalSeconds);
            if (!string.IsNullOrEmpty(name))
            {
                json.WriteString("name", name);
            }
            if (!string.IsNullOrEmpty(metadata))
            {
                json.WriteString("metadata", metadata);
            }
            json.WritePropertyName("video");
            JsonSerializer.Serialize(json, grant, LiveKitJsonContext.Default.VideoGrant);
            json.WriteEndObject();
        }

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(
            Encoding.UTF8.GetString(payload.WrittenSpan),
            new SigningCredentials(SigningKey(credentials), Algorithm));
    }

    /// <summary>
    /// Verifies <paramref name="jwt"/> as LiveKit's server does: HS256 signature with the secret, <c>iss</c> equal to
    /// the API key, <c>exp</c> present and not past (and <c>nbf</c> not ahead) with one minute of leeway.
    /// </summary>
    /// <exception cref="LiveKitTokenException">The token is refused; the message says why.</exception>
    public static LiveKitTokenClaims Validate(string jwt, LiveKitCredentials credentials, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(credentials);

        var handler = new JwtSecurityTokenHandler { MapInboundClaims = false };
        if (!handler.CanReadToken(jwt))
        {
            throw new LiveKitTokenException("The token is not a signed JWT (three base64url parts separated by dots).");
        }
        JwtSecurityToken unverified;
        try
        {
            unverified = handler.ReadJwtToken(jwt);
        }
        catch (Exception e) when (e is SecurityTokenException or ArgumentException or JsonException or FormatException)
        {
            throw new LiveKitTokenException($"The token is malformed ({e.GetType().Name}).", e);
        }
        if (unverified.Header.Alg != Algorithm)
        {
            throw new LiveKitTokenException($"The token is signed with '{unverified.Header.Alg}'; LiveKit tokens use HS256.");
        }
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = SigningKey(credentials),
            ValidAlgorithms = [Algorithm],
            RequireSignedTokens = true,
            ValidateIssuer = true,
            ValidIssuer = credentials.ApiKey,
            ValidateAudience = false,
            ValidateLifetime = false, // checked below against the injected clock, after the signature
            ValidateIssuerSigningKey = false,
        };

        JwtSecurityToken token;
        try
        {
            handler.ValidateToken(jwt, parameters, out var validated);
            token = (JwtSecurityToken)validated;
        }
        catch (SecurityTokenInvalidIssuerException e)
        {
            throw new LiveKitTokenException(
                $"The token was issued for API key '{unverified.Issuer}', not '{credentials.ApiKey}'.", e);
        }
        catch (Exception e) when (e is SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException)
        {
            throw new LiveKitTokenException(
                $"The token's signature does not match the secret of API key '{credentials.ApiKey}' (tampered, unsigned, or signed with another secret).", e);
        }
        catch (Exception e) when (e is SecurityTokenException or ArgumentException or JsonException or FormatException)
        {
            throw new LiveKitTokenException($"The token is malformed ({e.GetType().Name}).", e);
        }

        return ReadClaims(token, time ?? TimeProvider.System);
    }

    private static LiveKitTokenClaims ReadClaims(JwtSecurityToken token, TimeProvider time)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.RawPayload));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new LiveKitTokenException("The token's payload is not a JSON object.", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new LiveKitTokenException("The token's payload is not a JSON object.");
            }
            var expires = Time(root, "exp")
                ?? throw new LiveKitTokenException("The token has no exp claim; LiveKit refuses tokens that never expire.");
            var notBefore = Time(root, "nbf");
            var issuedAt = Time(root, "iat");

            var now = time.GetUtcNow();
            if (expires + ClockLeeway < now)
            {
                throw new LiveKitTokenException(
                    $"The token expired at {expires:u}, {(now - expires).TotalSeconds:F0} s ago (leeway {ClockLeeway.TotalSeconds:F0} s).");
            }
            if (notBefore is { } nbf && nbf - ClockLeeway > now)
            {
                throw new LiveKitTokenException(
                    $"The token is not valid before {nbf:u}, {(nbf - now).TotalSeconds:F0} s from now (leeway {ClockLeeway.TotalSeconds:F0} s).");
            }

            return new LiveKitTokenClaims(
                ApiKey: String(root, "iss") ?? string.Empty,
                Identity: String(root, "sub") ?? String(root, "jti") ?? string.Empty,
                Name: String(root, "name"),
                Grant: Grant(root),
                Expires: expires)
            {
                Metadata = String(root, "metadata"),
                NotBefore = notBefore,
                IssuedAt = issuedAt,
            };
        }
    }

    private static VideoGrant Grant(JsonElement root)
    {
        if (!root.TryGetProperty("video", out var video) || video.ValueKind == JsonValueKind.Null)
        {
            return new VideoGrant();
        }
        if (video.ValueKind != JsonValueKind.Object)
        {
            throw new LiveKitTokenException($"The token's video claim is a JSON {video.ValueKind}, not an object.");
        }
        try
        {
            return video.Deserialize(LiveKitJsonContext.Default.VideoGrant) ?? new VideoGrant();
        }
        catch (JsonException e)
        {
            throw new LiveKitTokenException($"The token's video claim has a value of the wrong type at {e.Path}.", e);
        }
    }

    private static DateTimeOffset? Time(JsonElement root, string claim)
    {
        if (!root.TryGetProperty(claim, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double seconds)
            || seconds < 0 || seconds > 253_402_300_799) // 9999-12-31T23:59:59Z
        {
            throw new LiveKitTokenException($"The token's {claim} claim is not a NumericDate (seconds since 1970).");
        }
        return DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(seconds));
    }

    private static string? String(JsonElement root, string claim) =>
        root.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>
    /// The HMAC key: the secret's UTF-8 bytes, zero-padded to 32 bytes when shorter. IdentityModel refuses HS256 keys
    /// under 256 bits, but LiveKit accepts short secrets (the dev server's is "secret"); HMAC zero-pads any key shorter
    /// than its 64-byte block, so the padded key yields exactly the same signatures as the secret itself.
    /// </summary>
    private static SymmetricSecurityKey SigningKey(LiveKitCredentials credentials)
    {
        byte[] secret = Encoding.UTF8.GetBytes(credentials.ApiSecret);
        if (secret.Length < 32)
        {
            Array.Resize(ref secret, 32);
        }
        return new SymmetricSecurityKey(secret);
    }
}
