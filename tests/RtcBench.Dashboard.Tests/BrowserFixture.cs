using Microsoft.Playwright;

namespace RtcBench.Dashboard.Tests;

/// <summary>
/// One headless Chromium for a test class (Debian's, by path: Playwright never downloads a browser here), with the
/// project's usual flags; each test gets a fresh context. Screenshots go to artifacts/screenshots/ at the repository
/// root (gitignored; CI keeps it as an artifact).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Every Playwright wait (auto-waiting locators and expectations) gives up after this long.</summary>
    public const float TimeoutMs = 15_000;

    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is not installed at {ChromiumPath} (Debian: apt-get install chromium)");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = Flags });
    }

    /// <param name="timeZone">The page's local time zone (IANA id); UTC unless a test is about local time.</param>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800, string timeZone = "UTC")
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, TimezoneId = timeZone });
        context.SetDefaultTimeout(TimeoutMs);
        return await context.NewPageAsync();
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    private static string FindScreenshotDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RtcBench.sln")))
        {
            dir = dir.Parent;
        }
        string path = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
