using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Platforms.Tests.Daily;

/// <summary>
/// The browser host in real headless Chromium: launch, the way it is driven (Chromium's own pipe, no Node driver,
/// no debugging port), shutdown with nothing left running, and the clear outcomes when Chromium is missing, is not
/// Chromium, crashes a page or dies.
/// </summary>
[Collection(ChromiumCollection.Name)]
public sealed class BrowserHostTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Dispose_AfterPagesWereOpen_LeavesNoChromiumOrDriverProcess()
    {
        var before = ProcessTree.Descendants();
        var host = new BrowserHost();
        await using (var page = await host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout))
        {
            Assert.True(host.IsRunning);
        }
        var ours = ProcessTree.Descendants().Where(p => !before.ContainsKey(p.Key)).ToDictionary();
        Assert.Contains(ours.Values, name => name.Contains("chrom", StringComparison.OrdinalIgnoreCase));

        await host.DisposeAsync().AsTask().WaitAsync(Timeout);

        var alive = ours.Where(p => ProcessTree.IsAlive(p.Key)).Select(p => $"{p.Key} {p.Value}").ToList();
        Assert.Empty(alive);
        Assert.False(host.IsRunning);
    }

    [Fact]
    public async Task Launch_DrivesChromiumOverItsPipe_NoNodeDriverAndNoDebuggingPort()
    {
        var before = ProcessTree.Descendants();
        await using var host = new BrowserHost();

        var browser = await host.GetBrowserAsync(CancellationToken.None).WaitAsync(Timeout);

        var ours = ProcessTree.Descendants().Where(p => !before.ContainsKey(p.Key)).ToDictionary();
        Assert.DoesNotContain(ours.Values, name => name is "node" or "nodejs");
        int pid = browser.Process!.Id;
        string[] args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        Assert.Contains("--remote-debugging-pipe", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--remote-debugging-port", StringComparison.Ordinal));
        Assert.Contains("--headless=new", args);
        foreach (string flag in ChromiumFlags.Default.Where(f => !f.StartsWith("--disable-features=", StringComparison.Ordinal)))
        {
            Assert.Contains(flag, args);
        }
        // Chromium keeps only the last --disable-features: ours must be in the one it sees.
        string features = Assert.Single(args, a => a.StartsWith("--disable-features=", StringComparison.Ordinal));
        Assert.Contains("IntensiveWakeUpThrottling", features.Split('=', ',').ToList());
        Assert.Contains("LocalNetworkAccessChecks", features.Split('=', ',').ToList());
        Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", host.ChromiumVersion);
    }

    [Fact]
    public async Task OpenCallPage_MissingChromium_FailsWithTheInstallHint()
    {
        await using var host = new BrowserHost(new BrowserHostOptions { ExecutablePath = "/nonexistent/chromium" });

        var ex = await Assert.ThrowsAsync<PlatformException>(() => host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.Equal(
            "Chromium is not installed at /nonexistent/chromium (Debian: apt-get install chromium; or set RTCBENCH_CHROMIUM).",
            ex.Message);
    }

    [Theory]
    [InlineData("/bin/false")] // starts and exits at once
    [InlineData("/etc/hostname")] // exists, not executable
    public async Task OpenCallPage_ExecutableIsNotChromium_FailsWithOneLineNamingIt(string path)
    {
        await using var host = new BrowserHost(new BrowserHostOptions { ExecutablePath = path, LaunchTimeout = TimeSpan.FromSeconds(30) });

        var ex = await Assert.ThrowsAsync<PlatformException>(() => host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout));

        Assert.StartsWith($"Chromium ({path}) did not start: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.False(host.IsRunning);
    }

    [Fact]
    public async Task Page_RendererCrashes_EndsOnceSendFailsAndTheHostOpensANewPage()
    {
        await using var host = new BrowserHost();
        await using var page = await host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout);
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        int endings = 0;
        page.Ended += reason =>
        {
            Interlocked.Increment(ref endings);
            ended.TrySetResult(reason);
        };

        var cdp = await page.Page.CreateCDPSessionAsync().WaitAsync(Timeout);
        _ = cdp.SendAsync("Page.crash", waitForCallback: false);
        string reason = await ended.Task.WaitAsync(Timeout);

        Assert.Equal("the Chromium page crashed", reason);
        Assert.Equal(reason, page.EndReason);
        var ex = await Assert.ThrowsAsync<IOException>(() => page.SendAsync(["x"], CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal("The Daily call is over: the Chromium page crashed", ex.Message);
        await page.DisposeAsync().AsTask().WaitAsync(Timeout); // never throws on a crashed page
        Assert.Equal(1, Volatile.Read(ref endings));

        // Only that page died: the browser serves the next call.
        Assert.True(host.IsRunning);
        await using var next = await host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal("0.92.2", await next.DailyJsVersionAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Page_ChromiumKilled_PageEndsNamingTheExitAndTheNextCallRelaunches()
    {
        await using var host = new BrowserHost();
        await using var page = await host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout);
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Ended += reason => ended.TrySetResult(reason);
        var first = await host.GetBrowserAsync(CancellationToken.None).WaitAsync(Timeout);
        int firstPid = first.Process!.Id;

        first.Process.Kill(entireProcessTree: true);
        string reason = await ended.Task.WaitAsync(Timeout);

        Assert.Equal("Chromium exited (it crashed or was killed)", reason);
        Assert.False(host.IsRunning);
        var ex = await Assert.ThrowsAsync<IOException>(() => page.GetStatsAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.StartsWith("Cannot read the Daily page's counters: ", ex.Message, StringComparison.Ordinal);

        await using var next = await host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.True(host.IsRunning);
        Assert.NotEqual(firstPid, (await host.GetBrowserAsync(CancellationToken.None).WaitAsync(Timeout)).Process!.Id);
        Assert.Equal("0.92.2", await next.DailyJsVersionAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Launch_ChromiumWritesMegabytesToStderr_StillStartsAndServes()
    {
        // A pipe holds 64 KB: unless the host drains Chromium's stderr, a Chromium that logs (it does, more with
        // WebRTC) blocks on a write and every page stops answering. This one writes 2 MB before it even starts.
        string dir = Directory.CreateTempSubdirectory("rtcbench-noisy-chromium-").FullName;
        try
        {
            string noisy = Path.Combine(dir, "chromium");
            await File.WriteAllTextAsync(noisy, $"#!/bin/sh\nhead -c 2000000 /dev/zero | tr '\\0' x >&2\nexec {ChromiumFlags.DefaultExecutablePath} \"$@\"\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(noisy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            await using var host = new BrowserHost(new BrowserHostOptions { ExecutablePath = noisy });

            await using var page = await host.OpenCallPageAsync(CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal("0.92.2", await page.DailyJsVersionAsync(CancellationToken.None).WaitAsync(Timeout));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("Evaluation failed: Error: stand-in: room is full\n    at join (http://localhost/rtcbench-call.js:10:5)", "stand-in: room is full")]
    [InlineData("Evaluation failed: TypeError: x is not a function", "TypeError: x is not a function")]
    [InlineData("Protocol error (Runtime.callFunctionOn): Target closed", "Protocol error (Runtime.callFunctionOn): Target closed")]
    public void PageError_BrowserMessage_KeepsThePagesOwnReasonOnOneLine(string message, string expected)
    {
        Assert.Equal(expected, DailyCallPage.PageError(new InvalidOperationException(message)));
    }
}
