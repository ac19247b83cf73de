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

    /// <exception cref="ArgumentException">A value breaks RFC 8839 §5.4 (see <see cref="UfragProblem"/>).</exception>
    public IceCredentials(string ufrag, string password)
    {
        ArgumentNullException.ThrowIfNull(ufrag);
        ArgumentNullException.ThrowIfNull(password);
        if (UfragProblem(ufrag) is { } ufragProblem)
        {
            throw new ArgumentException(ufragProblem, nameof(ufrag));
        }

        if (PasswordProblem(password) is { } passwordProblem)
        {
            throw new ArgumentException(passwordProblem, nameof(password));
        }

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

    /// <summary>
    /// Why <paramref name="ufrag"/> is not an ICE username fragment (RFC 8839 §5.4: 4..256 ice-chars), or null when
    /// it is. For checking what a peer sent before using it; never throws and never quotes the value.
    /// </summary>
    public static string? UfragProblem(string ufrag) => Problem(ufrag, MinUfragLength);

    /// <summary>As <see cref="UfragProblem"/> for a password (22..256 ice-chars). The message never holds the value.</summary>
    public static string? PasswordProblem(string password) => Problem(password, MinPasswordLength);

    public override string ToString() => $"ufrag={Ufrag} pwd=<redacted>";

    private static string? Problem(string? value, int minLength)
    {
        if (value is null || value.Length < minLength || value.Length > MaxLength)
        {
            return $"must be {minLength} to {MaxLength} characters (RFC 8839 §5.4), got {value?.Length ?? 0}";
        }

        for (int i = 0; i < value.Length; i++)
        {
            if (!IsIceChar(value[i]))
            {
                return $"may hold only ALPHA, DIGIT, '+' and '/' (RFC 8839 §5.4), got U+{(int)value[i]:X4} at position {i + 1}";
            }
        }

        return null;
    }
}
