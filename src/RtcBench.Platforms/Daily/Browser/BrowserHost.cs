using Microsoft.Playwright;

namespace RtcBench.Platforms.Daily.Browser;

/// <summary>
/// One headless Chromium per process, launched on first use (thread-safe) through Microsoft.Playwright with
/// <see cref="BrowserHostOptions.ExecutablePath"/> (no browser download ever happens), relaunched if it died, and
/// closed by <see cref="DisposeAsync"/> together with Playwright's driver process, so no chromium process outlives
/// the host. Each call gets its own browser context and page (<see cref="DailyCallPage"/>).
/// </summary>
public sealed class BrowserHost : IAsyncDisposable
{
    private static readonly Lazy<BrowserHost> SharedHost = new(() =>
    {
        var host = new BrowserHost();
        // Last resort for a process that exits without disposing: closing the driver makes it kill its browsers.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => host.KillNow();
        return host;
    });

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private bool _disposed;

    public BrowserHost(BrowserHostOptions? options = null) => Options = options ?? new BrowserHostOptions();

    /// <summary>The process-wide host the runner and agent use; the CLI disposes it before exiting.</summary>
    public static BrowserHost Shared => SharedHost.Value;

    /// <summary>True once <see cref="Shared"/> was touched (so disposing it does not launch anything).</summary>
    public static bool SharedCreated => SharedHost.IsValueCreated;

    public BrowserHostOptions Options { get; }

    /// <summary>Chromium's version once launched (e.g. "156.0.8078.79"), else null.</summary>
    public string? ChromiumVersion { get; private set; }

    /// <summary>True while a launched browser is connected.</summary>
    public bool IsRunning => _browser?.IsConnected == true;

    /// <summary>Opens a page for one call (see <see cref="DailyCallPage.OpenAsync"/>).</summary>
    public Task<DailyCallPage> OpenCallPageAsync(CancellationToken cancellationToken) =>
        DailyCallPage.OpenAsync(this, cancellationToken);

    /// <summary>The browser, launching it on first use. Throws <see cref="PlatformException"/> when Chromium cannot start.</summary>
    public async Task<IBrowser> GetBrowserAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_browser is { IsConnected: true })
            {
                return _browser;
            }
            if (!File.Exists(Options.ExecutablePath))
            {
                throw new PlatformException(
                    $"Chromium is not installed at {Options.ExecutablePath} (Debian: apt-get install chromium; or set RTCBENCH_CHROMIUM).");
            }
            _playwright ??= await Playwright.CreateAsync().ConfigureAwait(false);
            try
            {
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = Options.ExecutablePath,
                    Headless = true,
                    Args = Options.Args,
                    Timeout = (float)Options.LaunchTimeout.TotalMilliseconds,
                    HandleSIGINT = false,
                    HandleSIGTERM = false,
                    HandleSIGHUP = false,
                }).WaitAsync(Options.LaunchTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
            {
                throw new PlatformException($"Chromium ({Options.ExecutablePath}) did not start: {FirstLine(ex.Message)}", ex);
            }
            ChromiumVersion = _browser.Version;
            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the browser and Playwright's driver. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            if (_browser is not null)
            {
                try
                {
                    await _browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
                {
                    // The driver is disposed next, and it kills whatever browser it launched.
                }
                _browser = null;
            }
            _playwright?.Dispose();
            _playwright = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void KillNow()
    {
        try
        {
            _playwright?.Dispose();
        }
        catch (Exception ex) when (ex is PlaywrightException or InvalidOperationException or ObjectDisposedException)
        {
            // exiting anyway
        }
    }

    internal static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }
}
