using System.Security.Cryptography;
using System.Text;

namespace RtcBench.Rtc.Turn;

/// <summary>
/// Long-term credentials for a TURN server (RFC 8489 §9.2): a username and password, as LiveKit's join response or a
/// config file gives them. The password never leaves this object except as the MD5 key; <see cref="ToString"/>
/// redacts it, so a credentials object in a log line or an exception message shows no secret.
/// </summary>
public sealed class TurnCredentials
{
    private readonly string _password;

    public TurnCredentials(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        Username = username;
        _password = password;
    }

    public string Username { get; }

    /// <summary>
    /// The long-term key (RFC 8489 §9.2.2): MD5(username ":" realm ":" password) over UTF-8 bytes, the realm exactly
    /// as the server sent it. SASLprep/OpaqueString is not applied (ASCII credentials, as TURN services issue them).
    /// </summary>
    internal byte[] ComputeKey(ReadOnlySpan<byte> realm)
    {
        int userBytes = Encoding.UTF8.GetByteCount(Username);
        int passwordBytes = Encoding.UTF8.GetByteCount(_password);
        byte[] input = new byte[userBytes + 1 + realm.Length + 1 + passwordBytes];
        try
        {
            Encoding.UTF8.GetBytes(Username, input);
            input[userBytes] = (byte)':';
            realm.CopyTo(input.AsSpan(userBytes + 1));
            input[userBytes + 1 + realm.Length] = (byte)':';
            Encoding.UTF8.GetBytes(_password, input.AsSpan(userBytes + 2 + realm.Length));
            // MD5 is what the long-term credential mechanism defines (RFC 8489 §9.2.2); PASSWORD-ALGORITHM SHA-256 is
            // not offered by the servers we target.
#pragma warning disable CA5351
            return MD5.HashData(input);
#pragma warning restore CA5351
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    public override string ToString() => $"TurnCredentials {{ Username = {Username}, Password = *** }}";
}
