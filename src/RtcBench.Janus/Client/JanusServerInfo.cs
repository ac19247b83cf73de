using System.Text.Json;
using RtcBench.Janus.Api;

namespace RtcBench.Janus.Client;

/// <summary>
/// The parts of Janus's <c>server_info</c> (<c>GET /janus/info</c>) a user of this client checks: version, what is
/// loaded (plugins, transports), whether data channels are compiled in, the ICE mode and the session timeout, and
/// whether the API wants a secret or a token.
/// </summary>
public sealed record JanusServerInfo
{
    public required string Name { get; init; }

    /// <summary>e.g. "1.1.2".</summary>
    public required string Version { get; init; }

    /// <summary>e.g. 1102.</summary>
    public long VersionNumber { get; init; }

    public bool DataChannels { get; init; }

    public bool IceLite { get; init; }

    public bool FullTrickle { get; init; }

    public long SessionTimeoutSeconds { get; init; }

    public bool ApiSecretRequired { get; init; }

    public bool TokenAuth { get; init; }

    public bool AcceptingNewSessions { get; init; }

    /// <summary>Package names of the loaded plugins (e.g. <c>janus.plugin.echotest</c>).</summary>
    public required IReadOnlyList<string> Plugins { get; init; }

    /// <summary>Package names of the loaded transports (e.g. <c>janus.transport.http</c>).</summary>
    public required IReadOnlyList<string> Transports { get; init; }

    /// <summary>Reads a <c>server_info</c> message; false when it is not one.</summary>
    public static bool TryRead(JanusMessage message, out JanusServerInfo? info)
    {
        ArgumentNullException.ThrowIfNull(message);
        info = null;
        if (message.Kind != JanusMessageKind.ServerInfo)
        {
            return false;
        }

        var root = message.Root;
        info = new JanusServerInfo
        {
            Name = JanusMessageReader.StringOf(root, "name") ?? "",
            Version = JanusMessageReader.StringOf(root, "version_string") ?? "unknown",
            VersionNumber = JanusMessageReader.Int64Of(root, "version") ?? 0,
            DataChannels = JanusMessageReader.BoolOf(root, "data_channels") ?? false,
            IceLite = JanusMessageReader.BoolOf(root, "ice-lite") ?? false,
            FullTrickle = JanusMessageReader.BoolOf(root, "full-trickle") ?? false,
            SessionTimeoutSeconds = JanusMessageReader.Int64Of(root, "session-timeout") ?? 0,
            ApiSecretRequired = JanusMessageReader.BoolOf(root, "api_secret") ?? false,
            TokenAuth = JanusMessageReader.BoolOf(root, "auth_token") ?? false,
            AcceptingNewSessions = JanusMessageReader.BoolOf(root, "accepting-new-sessions") ?? true,
            Plugins = Keys(root, "plugins"),
            Transports = Keys(root, "transports"),
        };
        return true;
    }

    private static string[] Keys(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var keys = new List<string>();
        foreach (var property in map.EnumerateObject())
        {
            keys.Add(property.Name);
        }

        return [.. keys];
    }
}
