namespace RtcBench.Platforms.Daily.Browser;

/// <summary>
/// The command line every RtcBench Chromium gets (PROTOCOLS.md §1 "Chromium flags" and §3 A2.6): headless with no
/// sandbox or GPU, no QUIC, none of Chromium's background services, and none of the timer throttling that would
/// clamp a page's timers and so delay pings. PuppeteerSharp adds <c>--headless</c>, its automation defaults,
/// <c>--remote-debugging-pipe</c> and a fresh, temporary user-data-dir (deleted when the browser closes).
/// </summary>
public static class ChromiumFlags
{
    public const string DefaultExecutablePath = "/usr/bin/chromium";

    public static IReadOnlyList<string> Default { get; } =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
        // Chromium keeps only the last --disable-features switch; PuppeteerSharp merges this one into its own.
        // No intensive timer throttling, and no local-network-access checks, which would block our own pages
        // (served by request interception, so with no address space) from the offline stand-in's relay on 127.0.0.1.
        "--disable-features=IntensiveWakeUpThrottling,LocalNetworkAccessChecks",
        "--autoplay-policy=no-user-gesture-required",
    ];
}
