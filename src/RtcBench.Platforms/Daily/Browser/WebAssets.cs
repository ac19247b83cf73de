using System.Net;
using PuppeteerSharp;

namespace RtcBench.Platforms.Daily.Browser;

/// <summary>
/// Serves RtcBench's own page files and the vendored daily.js to Chromium at <see cref="Origin"/> by answering
/// intercepted requests (CDP Fetch, through PuppeteerSharp's request interception) from
/// <see cref="BrowserHostOptions.WebRoot"/>: no HTTP server, no CDN. Requests to any other origin (real daily-js
/// talking to Daily) continue to the network unchanged. The origin is
/// http://localhost/ (PROTOCOLS.md §1): a secure context, as daily-js expects, and a loopback origin, so Chromium's
/// local-network-access checks let the offline stand-in reach its relay on 127.0.0.1. Nothing listens on port 80:
/// every request to this origin is answered here.
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

    /// <summary>Turns on request interception for <paramref name="page"/> and answers its requests from now on.</summary>
    public async Task ServeAsync(IPage page)
    {
        page.Request += (_, e) => _ = AnswerAsync(e.Request);
        await page.SetRequestInterceptionAsync(true).ConfigureAwait(false);
    }

    /// <summary>Fulfils a request to <see cref="Origin"/> from the web root (404 for anything else there); lets others through.</summary>
    private async Task AnswerAsync(IRequest request)
    {
        try
        {
            if (!request.Url.StartsWith(Origin, StringComparison.Ordinal))
            {
                await request.ContinueAsync().ConfigureAwait(false);
                return;
            }
            var uri = new Uri(request.Url);
            string name = uri.AbsolutePath.TrimStart('/');
            if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal)
                || !ContentTypes.TryGetValue(System.IO.Path.GetExtension(name), out var contentType) || !File.Exists(PathOf(name)))
            {
                await request.RespondAsync(new ResponseData { Status = HttpStatusCode.NotFound, ContentType = "text/plain", Body = "not found" })
                    .ConfigureAwait(false);
                return;
            }
            byte[] body = await File.ReadAllBytesAsync(PathOf(name)).ConfigureAwait(false);
            await request.RespondAsync(new ResponseData
            {
                Status = HttpStatusCode.OK,
                ContentType = contentType,
                BodyData = body,
                Headers = new Dictionary<string, object> { ["Cache-Control"] = "no-store" },
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (BrowserHost.IsBrowserFailure(ex) || ex is IOException or InvalidOperationException or UriFormatException)
        {
            // The page or browser went away mid-request (or the file did): the page's own load fails and says so.
        }
    }
}
