namespace RtcBench.Platforms.Daily.Browser;

/// <summary>How <see cref="BrowserHost"/> launches Chromium.</summary>
public sealed record BrowserHostOptions
{
    /// <summary>The Chromium binary (Debian package <c>chromium</c>); <c>RTCBENCH_CHROMIUM</c> overrides the default.</summary>
    public string ExecutablePath { get; init; } =
        Environment.GetEnvironmentVariable("RTCBENCH_CHROMIUM") is { Length: > 0 } path ? path : ChromiumFlags.DefaultExecutablePath;

    public IReadOnlyList<string> Args { get; init; } = ChromiumFlags.Default;

    /// <summary>Longest wait for Chromium to start (it takes 2.5–4 s on a quiet 2-core VM).</summary>
    public TimeSpan LaunchTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The folder holding call.html, the page scripts and daily.js (copied there by the build).</summary>
    public string WebRoot { get; init; } = Path.Combine(AppContext.BaseDirectory, "daily-web");
}
