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
