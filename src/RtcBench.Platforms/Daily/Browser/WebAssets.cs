using Microsoft.Playwright;

namespace RtcBench.Platforms.Daily.Browser;

/// <summary>
/// Serves RtcBench's own page files and the vendored daily.js to Chromium at <see cref="Origin"/> by fulfilling
/// Playwright routes from <see cref="BrowserHostOptions.WebRoot"/>: no HTTP server, no CDN. The origin is
/// http://localhost/ (PROTOCOLS.md §1): a secure context, as daily-js expects, and a loopback origin, so Chromium's
/// local-network-access checks let the offline stand-in reach its relay on 127.0.0.1. Nothing listens on port 80:
/// every request to this origin is answered by the route.
/// </summary>
internal sealed class WebAssets(string root)
{
    public const string Origin = "http://localhost/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
    };

    public string PathOf(string file) => System.IO.Path.Combine(root, file);

    /// <summary>Checks that every file a call page needs is there; throws <see cref="PlatformException"/> otherwise.</summary>
    public void EnsureComplete()
    {
        foreach (string file in (string[])["call.html", "rtcbench-call.js", "daily-standin.js", "transport-probe.js", "daily.js"])
        {
            if (!File.Exists(PathOf(file)))
            {
                throw new PlatformException(
                    $"The Daily page file {PathOf(file)} is missing: rebuild RtcBench (the build vendors daily-js with npm ci).");
            }
        }
    }

    public async Task FulfillAsync(IRoute route)
    {
        var uri = new Uri(route.Request.Url);
        string name = uri.AbsolutePath.TrimStart('/');
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal)
            || !ContentTypes.TryGetValue(System.IO.Path.GetExtension(name), out var contentType) || !File.Exists(PathOf(name)))
        {
            await route.FulfillAsync(new RouteFulfillOptions { Status = 404, ContentType = "text/plain", Body = "not found" }).ConfigureAwait(false);
            return;
        }
        byte[] body = await File.ReadAllBytesAsync(PathOf(name)).ConfigureAwait(false);
        await route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = contentType,
            BodyBytes = body,
            Headers = new Dictionary<string, string> { ["Cache-Control"] = "no-store" },
        }).ConfigureAwait(false);
    }
}
