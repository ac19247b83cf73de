using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace RtcBench.Interop.Tests.Peers;

/// <summary>
/// libwebrtc: a fresh page of the shared headless Chromium (in its network namespace, <see cref="ChromiumNetns"/>)
/// running the same driver core as the node peers (node/peer-core.mjs with the W3C adapter, node/stack-w3c.mjs,
/// served to the page by route fulfilment). Commands are evaluated in the page; the reply comes back as JSON.
/// </summary>
internal sealed class ChromiumPeer : IInteropPeer
{
    private const string Boot = """
        async () => {
          const { createCore } = await import('/peer/peer-core.mjs');
          const { w3cStack } = await import('/peer/stack-w3c.mjs');
          const stack = w3cStack({
            name: 'chromium', version: navigator.userAgent, RTCPeerConnection,
            config: ({ iceLite }) => { if (iceLite) throw new Error('Chromium has no ICE-lite mode'); return {}; },
          });
          const hex = buf => [...new Uint8Array(buf)].map(b => b.toString(16).padStart(2, '0')).join('');
          window.peer = createCore(stack, {
            sha256hex: async bytes => hex(await crypto.subtle.digest('SHA-256', bytes)),
            fromBase64: text => Uint8Array.from(atob(text), ch => ch.charCodeAt(0)),
            nowUs: () => performance.now() * 1000,
            wallAnchorUs: performance.timeOrigin * 1000,
            emit: () => {},
          });
        }
        """;

    private const string Call = """
        async text => {
          try { return JSON.stringify({ ok: true, ...(await window.peer.handle(JSON.parse(text))) }); }
          catch (e) { return JSON.stringify({ ok: false, error: String(e && e.message || e) }); }
        }
        """;

    private readonly IPage _page;

    private ChromiumPeer(IPage page, IPAddress ourAddress, string version)
    {
        _page = page;
        OurAddress = ourAddress;
        Version = version;
    }

    public string Stack => "chromium";

    public string Version { get; }

    public IPAddress OurAddress { get; }

    public static async Task<ChromiumPeer> OpenAsync(ChromiumNetns chromium)
    {
        var page = await chromium.NewPageAsync();
        try
        {
            await page.RouteAsync("http://localhost/peer/*.mjs", async route =>
            {
                string name = Path.GetFileName(new Uri(route.Request.Url).AbsolutePath);
                string path = Path.Combine(NodePeer.Directory, name);
                await (File.Exists(path)
                    ? route.FulfillAsync(new() { Status = 200, ContentType = "text/javascript", Body = await File.ReadAllTextAsync(path) })
                    : route.FulfillAsync(new() { Status = 404 }));
            });
            await page.EvaluateAsync(Boot);
            return new ChromiumPeer(page, chromium.RootAddress, await VersionAsync());
        }
        catch
        {
            await page.CloseAsync();
            throw;
        }
    }

    /// <summary>What <c>chromium --version</c> prints (the user agent hides the build: 156.0.0.0), e.g. <c>Chromium 156.0.8078.129</c>.</summary>
    private static async Task<string> VersionAsync()
    {
        var start = new ProcessStartInfo(Chromium.Path, "--version") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Chromium.Path} --version did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        await stderr;
        var match = System.Text.RegularExpressions.Regex.Match(output, @"Chromium [0-9.]+");
        return match.Success ? match.Value : output.Trim();
    }

    public async Task<JsonObject> CallAsync(JsonObject command, TimeSpan? timeout = null)
    {
        string name = command["cmd"]?.GetValue<string>() ?? "?";
        string text;
        try
        {
            text = await _page.EvaluateAsync<string>(Call, command.ToJsonString()).WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new PeerCommandException($"chromium {name}: no reply from the page (hang guard)");
        }
        catch (PlaywrightException ex)
        {
            throw new PeerCommandException($"chromium {name}: {ex.Message}");
        }

        var reply = JsonNode.Parse(text)!.AsObject();
        if (reply["ok"]?.GetValue<bool>() != true)
        {
            throw new PeerCommandException($"chromium {name}: {reply["error"]?.GetValue<string>()}");
        }

        return reply;
    }

    /// <summary>A page serves one cell: its log starts with it.</summary>
    public long LogMark() => 0;

    public async Task<string> DescribeAsync(string pc, long since)
    {
        try
        {
            var d = await CallAsync(new JsonObject { ["cmd"] = "describe", ["pc"] = pc }, TimeSpan.FromSeconds(10));
            return $"{d["state"]}; channels {d["channels"]}\n  log: {string.Join(" | ", d["log"]!.AsArray().Select(x => x!.GetValue<string>()))}";
        }
        catch (PeerCommandException ex)
        {
            return "(no description: " + ex.Message + ")";
        }
    }

    public async ValueTask DisposeAsync() => await _page.CloseAsync();
}
