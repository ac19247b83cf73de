using System.Globalization;
using System.Text;

namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// Writes a complete Janus configuration folder (libconfig <c>.jcfg</c>, PROTOCOLS.md §2 B1): janus.jcfg with every
/// plugin, transport, event handler and logger disabled except the HTTP and WebSocket transports and the plugins
/// asked for; HTTP (Janus API + Admin API) and WebSocket bound to one address on the given ports; an admin secret;
/// admin keys for room creation in the TextRoom and VideoRoom.
/// </summary>
internal static class JanusConfig
{
    public static void Write(string directory, string libraryDirectory, JanusServerOptions options, JanusPorts ports, string address, JanusSecrets secrets)
    {
        var plugins = options.Plugins.Select(p => $"libjanus_{p}.so").ToHashSet(StringComparer.Ordinal);
        string Disabled(string folder, params string[] keep) => string.Join(',',
            Directory.GetFiles(Path.Combine(libraryDirectory, folder), "libjanus_*.so").Select(Path.GetFileName)
                .Where(f => !keep.Contains(f) && !plugins.Contains(f!)).Order(StringComparer.Ordinal));

        var janus = new StringBuilder();
        janus.AppendLine("general: {");
        janus.AppendLine(Inv($"  configs_folder = \"{directory}\""));
        janus.AppendLine(Inv($"  plugins_folder = \"{Path.Combine(libraryDirectory, "plugins")}\""));
        janus.AppendLine(Inv($"  transports_folder = \"{Path.Combine(libraryDirectory, "transports")}\""));
        janus.AppendLine(Inv($"  events_folder = \"{Path.Combine(libraryDirectory, "events")}\""));
        janus.AppendLine(Inv($"  loggers_folder = \"{Path.Combine(libraryDirectory, "loggers")}\""));
        janus.AppendLine(Inv($"  debug_level = {options.DebugLevel}"));
        janus.AppendLine("  debug_timestamps = true");
        janus.AppendLine(Inv($"  admin_secret = \"{secrets.AdminSecret}\""));
        if (options.ApiSecret is not null)
        {
            janus.AppendLine(Inv($"  api_secret = \"{options.ApiSecret}\""));
        }

        janus.AppendLine(Inv($"  session_timeout = {options.SessionTimeoutSeconds}"));
        janus.AppendLine("  server_name = \"rtcbench-test\"");
        janus.AppendLine("}");
        janus.AppendLine(Inv($"media: {{ rtp_port_range = \"{ports.RtpMin}-{ports.RtpMax}\" }}"));
        janus.AppendLine("nat: { ice_ignore_list = \"vmnet\" }");
        janus.AppendLine(Inv($"plugins: {{ disable = \"{Disabled("plugins")}\" }}"));
        janus.AppendLine(Inv($"transports: {{ disable = \"{Disabled("transports", "libjanus_http.so", "libjanus_websockets.so")}\" }}"));
        janus.AppendLine(Inv($"events: {{ broadcast = false, disable = \"{Disabled("events")}\" }}"));
        janus.AppendLine(Inv($"loggers: {{ disable = \"{Disabled("loggers")}\" }}"));
        File.WriteAllText(Path.Combine(directory, "janus.jcfg"), janus.ToString());

        File.WriteAllText(Path.Combine(directory, "janus.transport.http.jcfg"), Inv($$"""
            general: { json = "compact", base_path = "/janus", http = true, port = {{ports.Http}}, ip = "{{address}}", https = false }
            admin: { admin_base_path = "/admin", admin_http = true, admin_port = {{ports.Admin}}, admin_ip = "{{address}}", admin_https = false }
            cors: {}

            """));
        File.WriteAllText(Path.Combine(directory, "janus.transport.websockets.jcfg"), Inv($$"""
            general: { json = "compact", ws = true, ws_port = {{ports.WebSocket}}, ws_ip = "{{address}}", wss = false }
            admin: { admin_ws = false, admin_wss = false }

            """));
        File.WriteAllText(Path.Combine(directory, "janus.plugin.echotest.jcfg"), "general: {}\n");
        File.WriteAllText(Path.Combine(directory, "janus.plugin.textroom.jcfg"), Inv($"general: {{ json = \"compact\", admin_key = \"{secrets.TextRoomAdminKey}\" }}\n"));
        File.WriteAllText(Path.Combine(directory, "janus.plugin.videoroom.jcfg"), Inv($"general: {{ admin_key = \"{secrets.VideoRoomAdminKey}\" }}\n"));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
