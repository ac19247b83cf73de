using System.Net;
using Microsoft.Playwright;

namespace RtcBench.Interop.Tests;

/// <summary>
/// Headless Chromium running inside a network namespace of its own (<see cref="Netns"/>), driven by Playwright
/// over its pipes: the executable Playwright starts is a generated wrapper, <c>exec ip netns exec NS
/// /usr/bin/chromium "$@"</c>. Chromium's WebRTC sees only lo and the veth (10.99.N.1, default route), so with mDNS
/// hiding off it gathers the raw host candidate 10.99.N.1 (PROTOCOLS.md §1); the C# side binds
/// <see cref="RootAddress"/>. Local Network Access checks are off, so a page may open WebSockets and fetches to the
/// C# side at <see cref="RootAddress"/> (a private address) as LiveKit's SDK does. Pages are served at http://localhost/ by route fulfilment (a secure context, no server).
/// One browser per test collection; each test takes a fresh page. Everything is removed in
/// <see cref="DisposeAsync"/>.
/// </summary>
public sealed class ChromiumNetns : IAsyncLifetime
{
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-features=WebRtcHideLocalIpsWithMdns,LocalNetworkAccessChecks",
    ];

    private Netns? _netns;
    private string? _dir;
    private IPlaywright? _playwright;
    private IBrowserContext? _browser;

    /// <summary>Our side of the veth: what the C# peer (or the agent) binds.</summary>
    public IPAddress RootAddress => _netns!.RootAddress;

    /// <summary>Chromium's side of the veth: its host candidate.</summary>
    public IPAddress NamespaceAddress => _netns!.NamespaceAddress;

    public async Task InitializeAsync()
    {
        Chromium.Require();
        _netns = Netns.Create();
        _dir = Directory.CreateTempSubdirectory("rtcbench-chromium-").FullName;
        string wrapper = Path.Combine(_dir, "chromium-in-netns");
        await File.WriteAllTextAsync(wrapper, $"#!/bin/sh\nexec ip netns exec {_netns.Name} {Chromium.Path} \"$@\"\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Network namespaces need Linux.");
        }

        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string profile = Directory.CreateDirectory(Path.Combine(_dir, "profile")).FullName;
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = wrapper,
            Headless = true,
            Args = Flags,
            Timeout = 30_000,
        });
        await _browser.RouteAsync("http://localhost/**", route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "text/html",
            Body = "<!doctype html><title>rtcbench interop</title><script>" + InteropPageScript.Source + "</script>",
        }));
    }

    /// <summary>A fresh page at http://localhost/ with the helpers of <see cref="InteropPageScript"/> (window.rt).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await _browser!.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("http://localhost/");
        return page;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_browser is not null)
            {
                await _browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }
        finally
        {
            _playwright?.Dispose();
            _netns?.Dispose();
            if (_dir is not null)
            {
                try
                {
                    Directory.Delete(_dir, recursive: true);
                }
                catch (IOException)
                {
                    // A straggling Chromium child may still hold a file; the directory is in /tmp.
                }
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ChromiumNetnsCollection : ICollectionFixture<ChromiumNetns>
{
    public const string Name = "Chromium in a network namespace";
}
