using System.Text.Json;

namespace RtcBench.Platforms;

/// <summary>
/// The runner side of one platform: joins the room the echo agent created, using the credentials the agent
/// returned for this platform in <c>POST /connect</c> (<c>platforms.&lt;name&gt;</c>), and returns the channels to
/// measure (one run each).
/// </summary>
public interface IPlatformClient
{
    /// <summary>The platform's name as used on the command line and in /connect (e.g. "udp").</summary>
    string Name { get; }

    /// <summary>Joins; throws <see cref="PlatformException"/> with a clear message when joining is impossible.</summary>
    Task<IReadOnlyList<IPingChannel>> JoinAsync(JsonElement credentials, PlatformJoinContext context, CancellationToken cancellationToken);
}
