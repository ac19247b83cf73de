using System.Security.Cryptography;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// An ICE username fragment and password (RFC 8839 §5.4): ufrag 4..256 and pwd 22..256 characters from the ice-char
/// set (ALPHA / DIGIT / "+" / "/"). The password is a secret: <see cref="ToString"/> leaves it out.
/// </summary>
public sealed class IceCredentials
{
    /// <summary>The ice-char set of RFC 8839 §5.4.</summary>
    public const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public const int MinUfragLength = 4;
    public const int MinPasswordLength = 22;
    public const int MaxLength = 256;

    /// <summary>Lengths <see cref="Generate"/> uses: 8 characters (48 bits) of ufrag, 24 (144 bits) of password.</summary>
    public const int GeneratedUfragLength = 8;
    public const int GeneratedPasswordLength = 24;

    public IceCredentials(string ufrag, string password)
    {
        Validate(ufrag, MinUfragLength, nameof(ufrag));
        Validate(password, MinPasswordLength, nameof(password));
        Ufrag = ufrag;
        Password = password;
    }

    public string Ufrag { get; }

    public string Password { get; }

    /// <summary>Fresh credentials from a cryptographically secure generator.</summary>
    public static IceCredentials Generate() => new(
        RandomNumberGenerator.GetString(IceChars, GeneratedUfragLength),
        RandomNumberGenerator.GetString(IceChars, GeneratedPasswordLength));

    public static bool IsIceChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/';

    public override string ToString() => $"ufrag={Ufrag} pwd=<redacted>";

    private static void Validate(string value, int minLength, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length < minLength || value.Length > MaxLength)
        {
            throw new ArgumentException($"Must be {minLength}..{MaxLength} characters (RFC 8839 §5.4).", name);
        }

        foreach (char c in value)
        {
            if (!IsIceChar(c))
            {
                throw new ArgumentException("Only ALPHA, DIGIT, '+' and '/' are allowed (RFC 8839 §5.4).", name);
            }
        }
    }
}
