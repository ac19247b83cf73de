using System.Security.Cryptography;
using System.Text;

namespace RtcBench.Core.Security;

/// <summary>
/// A shared secret (the agent's API key, the results service's ingest token) checked in constant time over SHA-256
/// digests, so neither its content nor its length leaks. Presented as <c>X-Api-Key: SECRET</c> or
/// <c>Authorization: Bearer SECRET</c>. Never logged or echoed.
/// </summary>
public sealed class SharedSecret
{
    /// <summary>The shortest secret accepted (<see cref="Problem"/>): 16 characters.</summary>
    public const int MinLength = 16;

    private readonly byte[] _expected;

    public SharedSecret(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        _expected = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    public bool Matches(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        return CryptographicOperations.FixedTimeEquals(digest, _expected);
    }

    /// <summary>
    /// The one rule for every shared secret (the agent's API key, the results service's ingest token): at least
    /// <see cref="MinLength"/> characters, none of them whitespace or control characters (a header cannot carry them
    /// intact). Returns why <paramref name="secret"/> is unusable, naming it as <paramref name="what"/> (e.g.
    /// "the API key"), or null when it is usable. The message never contains the secret.
    /// </summary>
    public static string? Problem(string secret, string what)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentException.ThrowIfNullOrEmpty(what);
        if (secret.Length < MinLength)
        {
            return $"{what} is shorter than {MinLength} characters; use e.g. `openssl rand -hex 24`";
        }
        foreach (char c in secret)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return $"{what} contains whitespace or control characters; use e.g. `openssl rand -hex 24`";
            }
        }
        return null;
    }

    /// <summary>The secret a request presents: the X-Api-Key header, else an Authorization Bearer value, else null.</summary>
    public static string? Presented(string? xApiKey, string? authorization)
    {
        if (!string.IsNullOrEmpty(xApiKey))
        {
            return xApiKey;
        }
        const string Bearer = "Bearer ";
        if (authorization is not null && authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[Bearer.Length..].Trim();
        }
        return null;
    }
}
