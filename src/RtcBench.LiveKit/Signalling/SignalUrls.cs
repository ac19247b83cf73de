using System.Globalization;
using System.Text;

namespace RtcBench.LiveKit.Signalling;

/// <summary>
/// The v0 signal URLs (PROTOCOLS.md §2 A1): <c>ws(s)://host[/prefix]/rtc?access_token=…&amp;auto_subscribe=0&amp;sdk=…
/// &amp;version=…&amp;protocol=17&amp;client_protocol=0</c>, and the same query on <c>http(s)://…/rtc/validate</c> to learn
/// why an upgrade was refused. These URIs carry the token: never log them, use <see cref="Redact"/>.
/// </summary>
internal static class SignalUrls
{
    /// <summary>The protocol current SDKs send (server CurrentProtocol = 17).</summary>
    public const int Protocol = 17;

    /// <summary>0: we only use UserPacket, no data streams or RPC.</summary>
    public const int ClientProtocol = 0;

    public static Uri Rtc(Uri server, string token, string sdk, string version) => Build(server, "/rtc", websocket: true, token, sdk, version);

    public static Uri Validate(Uri server, string token, string sdk, string version) => Build(server, "/rtc/validate", websocket: false, token, sdk, version);

    /// <summary>The URI without its query (which holds the token): safe to show.</summary>
    public static string Redact(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    private static Uri Build(Uri server, string path, bool websocket, string token, string sdk, string version)
    {
        string scheme = server.Scheme switch
        {
            "ws" or "http" => websocket ? "ws" : "http",
            "wss" or "https" => websocket ? "wss" : "https",
            _ => throw new ArgumentException($"Unsupported LiveKit URL scheme '{server.Scheme}' (use ws, wss, http or https).", nameof(server)),
        };
        var query = new StringBuilder()
            .Append("access_token=").Append(Uri.EscapeDataString(token))
            .Append("&auto_subscribe=0")
            .Append("&sdk=").Append(Uri.EscapeDataString(sdk))
            .Append("&version=").Append(Uri.EscapeDataString(version))
            .Append("&protocol=").Append(Protocol.ToString(CultureInfo.InvariantCulture))
            .Append("&client_protocol=").Append(ClientProtocol.ToString(CultureInfo.InvariantCulture));
        var builder = new UriBuilder(server)
        {
            Scheme = scheme,
            Port = server.IsDefaultPort ? -1 : server.Port,
            Path = server.AbsolutePath.TrimEnd('/') + path,
            Query = query.ToString(),
            Fragment = string.Empty,
        };
        return builder.Uri;
    }
}
