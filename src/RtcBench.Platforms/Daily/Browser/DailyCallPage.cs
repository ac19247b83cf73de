using System.Text.Json;
using PuppeteerSharp;
using RtcBench.Core.Timing;

namespace RtcBench.Platforms.Daily.Browser;

/// <summary>
/// One Daily call in its own browser context and page (call.html + rtcbench-call.js, served by
/// <see cref="WebAssets"/>), driven over the DevTools protocol by PuppeteerSharp. C# talks to the page with
/// <c>EvaluateFunctionAsync</c>; the page reports back through the <c>rtcbenchReport</c> binding: batches of answered
/// pings (pong JSON with the page's own send and receive times), echo progress, and call events. A crashed or closed
/// page, or a Chromium that died, raises <see cref="Ended"/> once.
/// </summary>
public sealed class DailyCallPage : IAsyncDisposable
{
    private static readonly TimeSpan EvaluateTimeout = TimeSpan.FromSeconds(10);
    private const string BrowserExited = "Chromium exited (it crashed or was killed)";
    private readonly IBrowserContext _context;
    private readonly IPage _page;
    private IBrowser? _browser;
    private string? _endReason;
    private int _disposed;

    private DailyCallPage(BrowserHost host, IBrowserContext context, IPage page)
    {
        Host = host;
        _context = context;
        _page = page;
    }

    public BrowserHost Host { get; }

    /// <summary>The PuppeteerSharp page (tests use it to break the page on purpose).</summary>
    public IPage Page => _page;

    /// <summary>Why the page stopped working ("crashed", "closed", "left-meeting", "error: …"), or null while it works.</summary>
    public string? EndReason => Volatile.Read(ref _endReason);

    /// <summary>Answered pings: each item is <c>{"m": pong JSON, "p1": page send ms, "p4": page receive ms}</c>.</summary>
    public Action<JsonElement>? PongsReceived { get; set; }

    /// <summary>The echo page's total of pongs sent so far.</summary>
    public Action<long>? EchoProgress { get; set; }

    /// <summary>Every call event the page reports (name, detail), e.g. participant-joined, left-meeting, error, send-error.</summary>
    public event Action<string, string?>? EventReported;

    /// <summary>Raised once when the call can no longer work (page crash or close, left the meeting, fatal error).</summary>
    public event Action<string>? Ended;

    /// <summary>Opens a fresh context and page on <paramref name="host"/>'s Chromium and loads the call page (nothing joined yet).</summary>
    public static async Task<DailyCallPage> OpenAsync(BrowserHost host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var assets = new WebAssets(host.Options.WebRoot);
        assets.EnsureComplete();
        var browser = await host.GetBrowserAsync(cancellationToken).ConfigureAwait(false);
        IBrowserContext context;
        try
        {
            context = await browser.CreateBrowserContextAsync().WaitAsync(EvaluateTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (BrowserHost.IsBrowserFailure(ex))
        {
            throw new PlatformException($"Cannot load the Daily call page in Chromium: {BrowserHost.FirstLine(ex.Message)}", ex);
        }
        DailyCallPage? call = null;
        try
        {
            var page = await context.NewPageAsync().ConfigureAwait(false);
            call = new DailyCallPage(host, context, page);
            page.Error += (_, _) => call.End("the Chromium page crashed");
            page.Close += (_, _) => call.End("the Chromium page was closed");
            // A page does not hear its browser die (no Close event then): the browser's disconnect ends it.
            call._browser = browser;
            browser.Disconnected += call.OnBrowserDisconnected;
            if (!browser.IsConnected)
            {
                call.End(BrowserExited);
            }
            await assets.ServeAsync(page).ConfigureAwait(false);
            await page.EvaluateExpressionOnNewDocumentAsync(await File.ReadAllTextAsync(assets.PathOf("transport-probe.js"), cancellationToken)
                .ConfigureAwait(false)).ConfigureAwait(false);
            await page.ExposeFunctionAsync("rtcbenchReport", (string json) =>
            {
                call.OnReport(json);
                return true;
            }).ConfigureAwait(false);
            await page.GoToAsync(WebAssets.Origin + "call.html", new NavigationOptions { Timeout = 30_000 })
                .WaitAsync(TimeSpan.FromSeconds(35), cancellationToken).ConfigureAwait(false);
            return call;
        }
        catch (Exception ex) when (BrowserHost.IsBrowserFailure(ex))
        {
            call?.StopListening();
            await CloseQuietlyAsync(context).ConfigureAwait(false);
            throw new PlatformException($"Cannot load the Daily call page in Chromium: {BrowserHost.FirstLine(ex.Message)}", ex);
        }
        catch
        {
            call?.StopListening();
            await CloseQuietlyAsync(context).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>daily-js's own version as the page loaded it (<c>Daily.version()</c>).</summary>
    public async Task<string> DailyJsVersionAsync(CancellationToken cancellationToken)
    {
        ThrowIfEnded();
        try
        {
            return await _page.EvaluateFunctionAsync<string>("() => Daily.version()")
                .WaitAsync(EvaluateTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failed(ex))
        {
            throw new IOException("Cannot read daily-js's version from the page: " + PageError(ex), ex);
        }
    }

    /// <summary>
    /// Creates the call object (daily-js, or the stand-in when <see cref="DailyCallConfig.StandInRelay"/> is set),
    /// joins with no media, and anchors the page clock to <paramref name="clock"/>. Throws
    /// <see cref="PlatformException"/> with the page's reason when joining fails.
    /// </summary>
    public async Task<DailyJoinInfo> JoinAsync(DailyCallConfig config, MonoTime clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(clock);
        var arg = new Dictionary<string, object?>
        {
            ["role"] = config.Role == DailyCallRole.Runner ? "runner" : "echo",
            ["url"] = config.RoomUrl.AbsoluteUri,
            ["token"] = config.Token,
            ["userName"] = config.UserName,
            ["standInRelay"] = config.StandInRelay?.AbsoluteUri,
            ["joinTimeoutMs"] = (long)config.JoinTimeout.TotalMilliseconds,
        };
        JsonElement joined;
        try
        {
            joined = await _page.EvaluateFunctionAsync<JsonElement>("cfg => rtcbench.join(cfg)", arg)
                .WaitAsync(config.JoinTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new PlatformException($"Joining the Daily room did not complete within {config.JoinTimeout.TotalSeconds:0} s.", ex);
        }
        catch (Exception ex) when (Failed(ex))
        {
            throw new PlatformException($"Joining the Daily room failed: {PageError(ex)}", ex);
        }
        var (anchorNs, anchorPageMs, uncertaintyNs) = await AnchorAsync(clock, cancellationToken).ConfigureAwait(false);
        return new DailyJoinInfo(
            joined.GetProperty("localId").GetString() ?? "",
            joined.TryGetProperty("topology", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
            joined.TryGetProperty("dailyVersion", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null,
            Host.ChromiumVersion,
            joined.TryGetProperty("standIn", out var s) && s.ValueKind == JsonValueKind.True,
            anchorNs,
            anchorPageMs,
            uncertaintyNs);
    }

    /// <summary>Hands pings to the runner page, which stamps and sends each to the echo participant only.</summary>
    public async Task SendAsync(IReadOnlyList<string> messages, CancellationToken cancellationToken)
    {
        ThrowIfEnded();
        try
        {
            await _page.EvaluateFunctionAsync("m => rtcbench.send(m)", messages)
                .WaitAsync(EvaluateTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            End($"the Chromium page stopped responding (a send took over {EvaluateTimeout.TotalSeconds:0} s)");
            throw new IOException(EndReason, ex);
        }
        catch (Exception ex) when (Failed(ex))
        {
            End(ClosedUnderUs(ex) ? "the Chromium page was closed" : "the Chromium page failed: " + PageError(ex));
            throw new IOException(EndReason, ex);
        }
    }

    /// <summary>
    /// A call cut short because the page itself was closed (CDP detached its target) while the browser lives on:
    /// the page's Close event may come just after the failed call, and the reason is the same.
    /// </summary>
    private bool ClosedUnderUs(Exception ex) =>
        ex is TargetClosedException { CloseReason: "Target.detachedFromTarget" } && _browser is not { IsConnected: false };

    /// <summary>The page's counters, topology and the page's CPU time. Throws <see cref="IOException"/> if the page is gone.</summary>
    public async Task<DailyPageStats> GetStatsAsync(CancellationToken cancellationToken)
    {
        if (IsGone)
        {
            throw new IOException("Cannot read the Daily page's counters: " + (EndReason ?? "the page is gone"));
        }
        JsonElement s;
        try
        {
            s = await _page.EvaluateFunctionAsync<JsonElement>("() => rtcbench.stats()")
                .WaitAsync(EvaluateTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Failed(ex))
        {
            throw new IOException("Cannot read the Daily page's counters: " + BrowserHost.FirstLine(ex.Message), ex);
        }
        return new DailyPageStats
        {
            Topology = ReadString(s, "topology"),
            MeetingState = ReadString(s, "meetingState"),
            PeerPresent = ReadString(s, "peerId") is not null,
            Sent = ReadLong(s, "sent"),
            Received = ReadLong(s, "received"),
            Echoed = ReadLong(s, "echoed"),
            NoPeer = ReadLong(s, "noPeer"),
            SendErrors = ReadLong(s, "sendErrors"),
            LastError = ReadString(s, "lastError"),
            DataChannelSends = ReadLong(s.GetProperty("dataChannel"), "sends"),
            DataChannelPings = ReadLong(s.GetProperty("dataChannel"), "pings"),
            WebSocketSends = ReadLong(s.GetProperty("webSocket"), "sends"),
            WebSocketPings = ReadLong(s.GetProperty("webSocket"), "pings"),
            TaskDurationMs = await TaskDurationMsAsync(cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>Leaves the call (bounded wait) and closes the page and its context. Idempotent; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (EndReason is null)
        {
            try
            {
                await _page.EvaluateFunctionAsync("() => rtcbench.leave()").WaitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            }
            catch (Exception ex) when (Failed(ex))
            {
                // closing anyway
            }
        }
        End("closed");
        StopListening();
        await CloseQuietlyAsync(_context).ConfigureAwait(false);
    }

    private void StopListening()
    {
        if (_browser is not null)
        {
            _browser.Disconnected -= OnBrowserDisconnected;
        }
    }

    private void OnBrowserDisconnected(object? sender, EventArgs e) => End(BrowserExited);

    /// <summary>True once the page was closed or its browser is gone.</summary>
    private bool IsGone => _page.IsClosed || _browser is { IsConnected: false };

    /// <summary>
    /// A browser failure, or the NullReferenceException PuppeteerSharp throws when evaluating in a page whose
    /// browser just died (seen with 25.17.1): either way, the page is gone.
    /// </summary>
    private bool Failed(Exception ex) => BrowserHost.IsBrowserFailure(ex) || (ex is NullReferenceException && IsGone);

    private async Task<(long AnchorNs, double PageMs, long UncertaintyNs)> AnchorAsync(MonoTime clock, CancellationToken cancellationToken)
    {
        (long, double, long) best = (0, 0, long.MaxValue);
        for (int i = 0; i < 3; i++)
        {
            long before = clock.NowNs();
            double pageMs = await _page.EvaluateFunctionAsync<double>("() => rtcbench.now()")
                .WaitAsync(EvaluateTimeout, cancellationToken).ConfigureAwait(false);
            long after = clock.NowNs();
            long half = (after - before) / 2;
            if (half < best.Item3)
            {
                best = (before + half, pageMs, half);
            }
        }
        return best;
    }

    private async Task<double?> TaskDurationMsAsync(CancellationToken cancellationToken)
    {
        try
        {
            // CDP Performance.getMetrics (the page enables the Performance domain when it attaches); seconds.
            var metrics = await _page.MetricsAsync().WaitAsync(EvaluateTimeout, cancellationToken).ConfigureAwait(false);
            if (metrics.TryGetValue("TaskDuration", out decimal seconds))
            {
                return Math.Round((double)seconds * 1000, 3);
            }
        }
        catch (Exception ex) when (Failed(ex))
        {
            // CPU time is best effort
        }
        return null;
    }

    private void OnReport(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            switch (root.GetProperty("kind").GetString())
            {
                case "pongs":
                    PongsReceived?.Invoke(root.GetProperty("items"));
                    break;
                case "echo":
                    EchoProgress?.Invoke(root.GetProperty("echoed").GetInt64());
                    break;
                case "event":
                    string name = root.GetProperty("name").GetString() ?? "";
                    string? detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                    EventReported?.Invoke(name, detail);
                    if (name == "left-meeting")
                    {
                        End("the call left the meeting");
                    }
                    else if (name == "error")
                    {
                        End("daily-js reported a fatal error: " + detail);
                    }
                    break;
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // A malformed report from the page is dropped: the page is ours, so this is a bug, not input.
        }
    }

    private void End(string reason)
    {
        if (Interlocked.CompareExchange(ref _endReason, reason, null) is null)
        {
            Ended?.Invoke(reason);
        }
    }

    private void ThrowIfEnded()
    {
        if (EndReason is { } reason)
        {
            throw new IOException("The Daily call is over: " + reason);
        }
    }

    /// <summary>
    /// The page's own reason: "Evaluation failed: Error: stand-in: room is full\n    at …" → "stand-in: room is full".
    /// </summary>
    internal static string PageError(Exception ex)
    {
        string line = BrowserHost.FirstLine(ex.Message);
        foreach (string prefix in (string[])["Evaluation failed: ", "Error: "])
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                line = line[prefix.Length..];
            }
        }
        return line;
    }

    private static string? ReadString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long ReadLong(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static async Task CloseQuietlyAsync(IBrowserContext context)
    {
        try
        {
            await context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception ex) when (BrowserHost.IsBrowserFailure(ex) || ex is InvalidOperationException or ObjectDisposedException
            || (ex is NullReferenceException && !context.Browser.IsConnected))
        {
            // The browser may already be gone; BrowserHost.DisposeAsync closes whatever is left.
        }
    }
}
