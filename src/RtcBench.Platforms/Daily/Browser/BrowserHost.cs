using System.ComponentModel;
using PuppeteerSharp;

namespace RtcBench.Platforms.Daily.Browser;

/// <summary>
/// One headless Chromium per process, launched on first use (thread-safe) through PuppeteerSharp with
/// <see cref="BrowserHostOptions.ExecutablePath"/> (no browser download ever happens), relaunched if it died, and
/// closed by <see cref="DisposeAsync"/>, so no chromium process outlives the host. PuppeteerSharp speaks the
/// DevTools protocol from .NET over Chromium's own pipe (<c>--remote-debugging-pipe</c>): no Node driver process
/// and no debugging port. Each call gets its own browser context and page (<see cref="DailyCallPage"/>).
/// </summary>
public sealed class BrowserHost : IAsyncDisposable
{
    private static readonly Lazy<BrowserHost> SharedHost = new(() =>
    {
        var host = new BrowserHost();
        // Last resort for a process that exits without disposing: kill the browser and its helper processes.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => host.KillNow();
        return host;
    });

    private readonly SemaphoreSlim _gate = new(1, 1);
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
    public bool IsRunning => _browser is { IsConnected: true };

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
            if (_browser is not null)
            {
                // It died (crash, kill): reap what is left before launching a new one.
                await CloseQuietlyAsync(_browser).ConfigureAwait(false);
                _browser = null;
            }
            if (!File.Exists(Options.ExecutablePath))
            {
                throw new PlatformException(
                    $"Chromium is not installed at {Options.ExecutablePath} (Debian: apt-get install chromium; or set RTCBENCH_CHROMIUM).");
            }
            var launch = new LaunchOptions
            {
                ExecutablePath = Options.ExecutablePath,
                Browser = SupportedBrowser.Chromium,
                Headless = true,
                Pipe = true,
                Args = [.. Options.Args],
                Timeout = (int)Options.LaunchTimeout.TotalMilliseconds,
            };
            IBrowser browser;
            try
            {
                browser = await Puppeteer.LaunchAsync(launch)
                    .WaitAsync(Options.LaunchTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsBrowserFailure(ex) || ex is Win32Exception)
            {
                throw new PlatformException($"Chromium ({Options.ExecutablePath}) did not start: {FirstLine(ex.Message)}", ex);
            }
            try
            {
                ChromiumVersion = VersionNumber(await browser.GetVersionAsync()
                    .WaitAsync(Options.LaunchTimeout, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (IsBrowserFailure(ex))
            {
                await CloseQuietlyAsync(browser).ConfigureAwait(false);
                throw new PlatformException($"Chromium ({Options.ExecutablePath}) did not start: {FirstLine(ex.Message)}", ex);
            }
            catch
            {
                await CloseQuietlyAsync(browser).ConfigureAwait(false);
                throw;
            }
            _browser = browser;
            return browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the browser and waits for its process to exit. Idempotent.</summary>
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
                await CloseQuietlyAsync(_browser).ConfigureAwait(false);
                _browser = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// True for what the browser library throws when Chromium or a page fails or is gone: its own exceptions,
    /// a failed or timed-out launch (<see cref="ProcessException"/>), and time-outs.
    /// </summary>
    internal static bool IsBrowserFailure(Exception ex) => ex is PuppeteerException or ProcessException or TimeoutException;

    internal static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return newline < 0 ? message : message[..newline];
    }

    /// <summary>"HeadlessChrome/156.0.8078.79" (Browser.getVersion's product) → "156.0.8078.79".</summary>
    internal static string VersionNumber(string product)
    {
        int slash = product.LastIndexOf('/');
        return slash < 0 ? product : product[(slash + 1)..];
    }

    /// <summary>Closes the browser (bounded wait), then kills whatever of its process tree is left.</summary>
    private static async Task CloseQuietlyAsync(IBrowser browser)
    {
        try
        {
            await browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsBrowserFailure(ex) || ex is InvalidOperationException or ObjectDisposedException)
        {
            // killed below
        }
        Kill(browser);
        try
        {
            await browser.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsBrowserFailure(ex) || ex is InvalidOperationException or ObjectDisposedException)
        {
            // gone already
        }
    }

    private static void Kill(IBrowser browser)
    {
        try
        {
            if (browser.Process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // exited meanwhile
        }
    }

    private void KillNow()
    {
        if (_browser is { } browser)
        {
            Kill(browser);
        }
    }
}
