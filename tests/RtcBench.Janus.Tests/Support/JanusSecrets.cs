using System.Security.Cryptography;

namespace RtcBench.Janus.Tests.Support;

/// <summary>Generated per server: the Admin API secret and the TextRoom/VideoRoom admin keys (room creation).</summary>
internal sealed record JanusSecrets(string AdminSecret, string TextRoomAdminKey, string VideoRoomAdminKey)
{
    public static JanusSecrets Generate() => new(New(), New(), New());

    public static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public override string ToString() => "JanusSecrets (generated; not shown)";
}
