using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RtcBench.Core.Results;
using RtcBench.Server.Tests.Support;
using RtcBench.Storage;
using static Microsoft.Playwright.Assertions;
using static RtcBench.Dashboard.Tests.PageHelpers;

namespace RtcBench.Dashboard.Tests;

/// <summary>
/// Each view in real headless Chromium against a real results service over SQLite seeded with <see cref="Seed"/>:
/// the numbers are read back from the DOM. No sleeps: every wait is Playwright auto-waiting on a DOM condition,
/// bounded by <see cref="BrowserFixture.TimeoutMs"/>.
/// </summary>
public sealed class DashboardPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    static DashboardPageTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    [Fact]
    public async Task Overview_SeededRuns_ShowsTheSeededFiguresAndMarksTheSignificantlyFasterPlatform()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(page.Locator("main[data-state='ready'] #overview")).ToBeVisibleAsync();

        var udp = Row(page, "udp", "eu-west-1", "lossy");
        var janus = Row(page, "janus", "eu-west-1", "lossy");
        var daily = Row(page, "daily", "us-east-1", "reliable");
        await Expect(udp.Locator("[data-field=runs]")).ToHaveTextAsync("3");
        AssertNear(20, await NumberAsync(udp, "p50"), 0.01);   // merged histograms: within 1%
        AssertNear(21, await NumberAsync(udp, "p95"), 0.01);
        AssertNear(21, await NumberAsync(udp, "p99"), 0.01);
        await Expect(udp.Locator("[data-field=loss]")).ToHaveTextAsync("3.2%");   // 3 lost of 93
        await Expect(udp.Locator("[data-field=jitter]")).ToHaveTextAsync("1.31"); // (9·2 + 20·1) / 29 ms, exact
        AssertNear(30, await NumberAsync(janus, "p50"), 0.01);
        AssertNear(14, await NumberAsync(daily, "p50"), 0.01);  // rank ⌊0.5·9⌋ of 10..19
        await Expect(daily.Locator("[data-field=loss]")).ToHaveTextAsync("0.0%");
        await Expect(udp.Locator("svg.spark path")).ToHaveCountAsync(1);

        // udp is significantly faster than janus at eu-west-1; daily has no rival at us-east-1.
        await Expect(page.Locator("#overview[data-compared='true']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#compare-status")).ToHaveTextAsync("1 comparison.");
        var badge = udp.Locator("[data-field=faster]");
        await Expect(badge).ToHaveTextAsync("★ 33.3 % faster (95% CI 33.3–33.3 %)");   // medians 20 and 30 ms, every replicate alike
        await Expect(badge).ToHaveAttributeAsync("title", new Regex(@"^udp is 33\.3 % faster than janus .*median udp − janus: -10\.\d\d ms \(95% CI .*p = "));
        await Expect(janus.Locator("[data-field=faster]")).ToHaveCountAsync(0);
        await Expect(daily.Locator("[data-field=faster]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#status")).ToHaveTextAsync(new Regex(@"^updated \d\d:\d\d:\d\d · live$"));   // the event stream is open
        await BrowserFixture.ScreenshotAsync(page, "overview");

        var phone = await browser.NewPageAsync(390, 844);
        await phone.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(phone.Locator("main[data-state='ready'] #overview")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(phone, "overview-phone");
    }

    [Fact]
    public async Task Overview_RunStoredWhileOpen_AppearsLiveWithoutReload()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("body[data-live='live']")).ToHaveCountAsync(1);

        await harness.PostAllAsync(RunFactory.Create([8, 9], startedAt: RunFactory.BaseTime.AddHours(5), platform: "livekit"));

        // No fake clock here: the 30 s poll cannot come within the 15 s wait, so only the event can bring the row.
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(4);
        await Expect(Row(page, "livekit", "eu-west-1", "lossy").Locator("[data-field=runs]")).ToHaveTextAsync("1");
        await Expect(page.Locator("#status")).ToHaveTextAsync(new Regex(@"^updated \d\d:\d\d:\d\d · live$"));
        await BrowserFixture.ScreenshotAsync(page, "overview-live");
    }

    [Fact]
    public async Task Overview_TabHidden_ClosesItsStreamAndOnShowReopensAndReReads()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("body[data-live='live']")).ToHaveCountAsync(1);
        await SubscribersAsync(harness, 1);

        await SetVisibilityAsync(page, "hidden");
        await SubscribersAsync(harness, 0);   // the service sees the stream go
        await Expect(page.Locator("body[data-live='polling']")).ToHaveCountAsync(1);
        await harness.PostAllAsync(RunFactory.Create([8, 9], startedAt: RunFactory.BaseTime.AddHours(5), platform: "livekit"));
        await SetVisibilityAsync(page, "visible");

        await SubscribersAsync(harness, 1);
        await Expect(page.Locator("body[data-live='live']")).ToHaveCountAsync(1);
        await Expect(Row(page, "livekit", "eu-west-1", "lossy").Locator("[data-field=runs]")).ToHaveTextAsync("1");   // re-read on reopening
        await Expect(page.Locator("body")).Not.ToHaveAttributeAsync("data-live-events", new Regex("."));            // not from an event
    }

    [Fact]
    public async Task Overview_BurstOfRuns_OneRefreshAfterTheDebounce()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();
        await page.Clock.InstallAsync();   // the page's timers on a fake clock (flowing until paused below)
        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("body[data-live='live']")).ToHaveCountAsync(1);
        // Stop the page's time: from here the debounce fires only when the test runs the clock.
        double pageNow = await page.EvaluateAsync<double>("Date.now()");
        await page.Clock.PauseAtAsync(DateTimeOffset.FromUnixTimeMilliseconds((long)pageNow + 1_000).UtcDateTime);
        int reads = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/results/aggregated", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref reads);
            }
        };

        for (int i = 0; i < 3; i++)
        {
            await harness.PostAllAsync(RunFactory.Create([8, 9], startedAt: RunFactory.BaseTime.AddHours(5).AddMinutes(i), platform: "livekit"));
        }
        await Expect(page.Locator("body[data-live-events='3']")).ToHaveCountAsync(1);
        Assert.Equal(0, Volatile.Read(ref reads));   // received, not yet refreshed: the debounce waits
        await page.Clock.RunForAsync(1_100);

        await Expect(Row(page, "livekit", "eu-west-1", "lossy").Locator("[data-field=runs]")).ToHaveTextAsync("3");
        Assert.Equal(2, Volatile.Read(ref reads));   // one refresh: the window and its sparkline buckets
    }

    [Fact]
    public async Task Overview_EventStreamRefused_FallsBackToPollingEvery30s()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/events", async route =>
        {
            await route.FulfillAsync(new()
            {
                Status = 503,
                ContentType = "application/problem+json",
                Body = """{"title":"Service Unavailable","status":503,"detail":"a proxy said no"}""",
            });
            refused.TrySetResult();
        });
        await page.Clock.InstallAsync();   // the page's timers on a fake clock: the 30 s refresh without waiting 30 s
        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(3);
        await refused.Task.WaitAsync(harness.Ct);
        await Expect(page.Locator("body[data-live='polling']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#status")).ToHaveTextAsync(new Regex(@"^updated \d\d:\d\d:\d\d · refreshes every 30 s$"));

        await harness.PostAllAsync(RunFactory.Create([8, 9], startedAt: RunFactory.BaseTime.AddHours(5), platform: "livekit"));
        await page.Clock.RunForAsync(31_000);

        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(4);
        await Expect(Row(page, "livekit", "eu-west-1", "lossy").Locator("[data-field=runs]")).ToHaveTextAsync("1");
        await Expect(page.Locator("body")).Not.ToHaveAttributeAsync("data-live-events", new Regex("."));   // no event got through
    }

    [Fact]
    public async Task Filters_Changed_ChangeTheDataAndTheUrlAndSurviveAReload()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(3);

        await page.SelectOptionAsync("#filter-platform", "janus");

        await Expect(page).ToHaveURLAsync(new Regex(@"/\?platform=janus$"));
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#overview tbody tr")).ToHaveAttributeAsync("data-platform", "janus");

        await page.GotoAsync(new Uri(harness.Server.BaseUrl, "/?channel=reliable").ToString());
        await Expect(page.Locator("#filter-channel")).ToHaveValueAsync("reliable");
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#overview tbody tr")).ToHaveAttributeAsync("data-platform", "daily");

        // The last run started at 13:00 and "now" is 16:00: the last hour holds nothing.
        await page.SelectOptionAsync("#filter-hours", "1");
        await Expect(page).ToHaveURLAsync(new Regex(@"channel=reliable&hours=1$"));
        await Expect(page.Locator("main[data-state='empty'] #empty")).ToContainTextAsync("No stored run matches these filters in the last 1 h");
        await BrowserFixture.ScreenshotAsync(page, "overview-empty-filter");

        await page.GoBackAsync();
        await Expect(page.Locator("#filter-hours")).ToHaveValueAsync("24");
        await Expect(page.Locator("#overview tbody tr")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task TimeSeries_MetricSelected_ShowsThatMetricPerBucket()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(harness.Server.BaseUrl, "/timeseries?location=eu-west-1&metric=p95").ToString());
        await Expect(page.Locator("main[data-state='ready'] #timeseries")).ToBeVisibleAsync();
        var udp = page.Locator("#timeseries tbody tr[data-platform='udp']");
        await Expect(udp.Locator("[data-field=points]")).ToHaveTextAsync("3");  // three hourly buckets
        AssertNear(21, await NumberAsync(udp, "last"), 0.01);
        AssertNear(31, await NumberAsync(page.Locator("#timeseries tbody tr[data-platform='janus']"), "last"), 0.01);
        await Expect(page.Locator("#timeseries-chart canvas")).ToHaveCountAsync(1);
        await Expect(page.Locator("#band-note")).ToContainTextAsync("Shaded: each line's p50–p95 band.");
        await BrowserFixture.ScreenshotAsync(page, "timeseries");

        // Hovering the last bucket with runs (12:00; the axis spans the 24 h window to 16:00) shows its exact figures.
        var tip = await HoverChartAsync(page, "#timeseries-chart", 20.0 / 24, 0.5);
        await Expect(tip.Locator(".tooltip-title")).ToHaveTextAsync("2026-11-21 12:00 · p95 per 1h");
        var udpTip = tip.Locator("[data-series='udp · eu-west-1 · lossy']");
        await Expect(udpTip).ToContainTextAsync(" ms");
        AssertNear(21, await NumberAsync(udpTip, "value"), 0.01);
        AssertNear(20, await NumberAsync(udpTip, "p50"), 0.01);   // the p50–p95 band at that bucket
        AssertNear(21, await NumberAsync(udpTip, "p95"), 0.01);
        AssertNear(31, await NumberAsync(tip.Locator("[data-series='janus · eu-west-1 · lossy']"), "value"), 0.01);
        await BrowserFixture.ScreenshotAsync(page, "timeseries-tooltip");
        await page.Mouse.MoveAsync(0, 0);
        await Expect(tip).ToBeHiddenAsync();

        await page.SelectOptionAsync("#filter-metric", "loss");

        await Expect(page).ToHaveURLAsync(new Regex(@"metric=loss"));
        await Expect(udp.Locator("[data-field=last]")).ToHaveTextAsync("3.2%");  // 1 lost of 31 in that hour
        await page.SelectOptionAsync("#filter-bucket", "1d");
        await Expect(page).ToHaveURLAsync(new Regex(@"bucket=1d"));
        await Expect(udp.Locator("[data-field=points]")).ToHaveTextAsync("1");
    }

    [Fact]
    public async Task Distribution_Seeded_CdfPerGroupWithItsOkPingsAndQuantiles()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(harness.Server.BaseUrl, "/distribution").ToString());

        await Expect(page.Locator("main[data-state='ready'] #distribution")).ToBeVisibleAsync();
        var udp = page.Locator("#distribution table.grid tbody tr[data-platform='udp']");
        await Expect(udp.Locator("[data-field=runs]")).ToHaveTextAsync("3");
        await Expect(udp.Locator("[data-field=count]")).ToHaveTextAsync("90");
        AssertNear(20, await NumberAsync(udp, "p50"), 0.01);
        AssertNear(21, await NumberAsync(udp, "p99"), 0.01);
        await Expect(page.Locator("#distribution table.grid tbody tr[data-platform='daily'] [data-field=count]")).ToHaveTextAsync("10");
        await Expect(page.Locator("#distribution-chart canvas")).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "distribution");

        // At the right edge (the largest RTT) every group's CDF is at 100%.
        var tip = await HoverChartAsync(page, "#distribution-chart", 1.0, 0.5);
        await Expect(tip.Locator(".tooltip-title")).ToHaveTextAsync(new Regex(@"^share of ok pings with RTT ≤ \d+\.\d\d ms$"));
        await Expect(tip.Locator("[data-series='udp · eu-west-1 · lossy'] [data-field=value]")).ToHaveTextAsync("100.0");
        await Expect(tip.Locator("[data-series='daily · us-east-1 · reliable']")).ToContainTextAsync("100.0 %");
        await BrowserFixture.ScreenshotAsync(page, "distribution-tooltip");

        await page.SelectOptionAsync("#filter-location", "us-east-1");

        await Expect(page).ToHaveURLAsync(new Regex(@"/distribution\?location=us-east-1$"));
        await Expect(page.Locator("#filter-location")).ToHaveValueAsync("us-east-1");
        await Expect(page.Locator("#distribution table.grid tbody tr")).ToHaveCountAsync(1);  // not uPlot's legend rows
    }

    [Fact]
    public async Task WorldMap_Seeded_PlacesLocationsColouredBySignificantWinnerWithAPanel()
    {
        await using var harness = await SeededAsync();
        await harness.PostAllAsync(RunFactory.Create([40, 41, 42], startedAt: RunFactory.BaseTime.AddHours(4), location: "lab-berlin") with
        {
            Latitude = 52.52,
            Longitude = 13.40,
        });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(harness.Server.BaseUrl, "/map").ToString());

        await Expect(page.Locator("#map[data-compared='true']")).ToHaveCountAsync(1);
        var eu = page.Locator("svg.world .site[data-location='eu-west-1']");
        await Expect(eu).ToHaveAttributeAsync("data-lat", "53.3");          // the built-in region table
        await Expect(eu).ToHaveAttributeAsync("data-winner", "udp");        // significantly faster than janus there
        await Expect(page.Locator("svg.world .site[data-location='us-east-1']")).Not.ToHaveAttributeAsync("data-winner", new Regex("."));
        await Expect(page.Locator("svg.world .site[data-location='lab-berlin']")).ToHaveAttributeAsync("data-lon", "13.4");  // the run's --lon
        await Expect(page.Locator("svg.world path.land")).ToHaveAttributeAsync("d", new Regex("^M.{1000,}"));

        await eu.ClickAsync();

        await Expect(page.Locator("#location-panel h3")).ToHaveTextAsync("eu-west-1");
        AssertNear(20, await NumberAsync(page.Locator("#location-panel tr[data-platform='udp']"), "p50"), 0.01);
        await BrowserFixture.ScreenshotAsync(page, "map");
    }

    [Fact]
    public async Task RunExplorer_RunOpened_ShowsEveryPingWithTheLostOneMarked()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(harness.Server.BaseUrl, "/runs").ToString());
        await Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(7);
        await Expect(page.Locator("#page-info")).ToHaveTextAsync("1–7 of 7 · page 1 of 1");
        await page.SelectOptionAsync("#filter-platform", "udp");
        await Expect(page).ToHaveURLAsync(new Regex(@"/runs\?platform=udp$"));
        await Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(Seed.UdpRuns);
        await BrowserFixture.ScreenshotAsync(page, "runs");

        string runId = (await page.Locator("#runs tbody tr").First.GetAttributeAsync("data-run"))!;
        await page.Locator("#runs tbody tr").First.Locator("a").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/runs/" + Regex.Escape(runId) + "$"));
        await Expect(page.Locator("main[data-state='ready'] #run")).ToBeVisibleAsync();
        await Expect(page.Locator("#run [data-field=sent]")).ToHaveTextAsync("31");
        await Expect(page.Locator("#run [data-field=ok]")).ToHaveTextAsync("30");
        await Expect(page.Locator("#run [data-field=lost]")).ToHaveTextAsync("1");
        await Expect(page.Locator("#pings tbody tr")).ToHaveCountAsync(Seed.PingsPerRun);
        await Expect(page.Locator("#pings tbody tr.lost")).ToHaveCountAsync(1);
        await Expect(page.Locator("#pings tbody tr[data-seq='1'] td").Nth(4)).ToHaveTextAsync("20.000");
        await Expect(page.Locator("#config")).ToContainTextAsync("payload bytes");
        await Expect(page.Locator("#path")).ToContainTextAsync("udp");
        await Expect(page.Locator("#run-chart canvas")).ToHaveCountAsync(1);

        // The scatter's tooltip: the first ping (19 ms: the seeded RTTs cycle 19, 20, 21) and the lost last one.
        var tip = await HoverChartAsync(page, "#run-chart", 0.0, 0.5);
        await Expect(tip.Locator(".tooltip-title")).ToHaveTextAsync("udp · seq 0 · ok");
        await Expect(tip.Locator("[data-series='RTT'] [data-field=value]")).ToHaveTextAsync("19.000");
        await Expect(tip.Locator("[data-series='RTT'] [data-field='net RTT']")).ToHaveTextAsync("18.990");   // the factory's net RTT: 10 µs less
        await Expect(tip.Locator("[data-series='scheduled']")).ToContainTextAsync("+0.000 s · ");
        await BrowserFixture.ScreenshotAsync(page, "run-tooltip");
        tip = await HoverChartAsync(page, "#run-chart", 1.0, 0.5);
        await Expect(tip.Locator(".tooltip-title")).ToHaveTextAsync("udp · seq 30 · lost");
        await Expect(tip.Locator("[data-series='RTT']")).ToContainTextAsync("— no answer");

        await page.Mouse.MoveAsync(0, 0);
        await page.Locator("#pings summary").ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "run");
    }

    [Fact]
    public async Task RunExplorer_RunWithPrunedPings_SaysWhenAndShowsItsStoredStatistics()
    {
        await using var harness = await SeededAsync();
        var prunedAt = RunFactory.BaseTime.AddDays(40);
        // The udp run at 10:00 (and janus's at 10:05) lose their pings; the udp run at 11:00 keeps them.
        var report = await harness.Store.PrunePingsAsync(RunFactory.BaseTime.AddMinutes(30), prunedAt, harness.Ct);
        Assert.Equal(2, report.Runs);
        var udp = (await harness.Store.ListRunsAsync(new RunQuery { Limit = 100 }, harness.Ct)).Items
            .Where(r => r.Platform == "udp").OrderBy(r => r.StartedAt).ToList();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(Url(harness, "/runs/" + udp[0].RunId).ToString());

        await Expect(page.Locator("main[data-state='ready'] #run")).ToBeVisibleAsync();
        await Expect(page.Locator("#run-pruned")).ToContainTextAsync("pings pruned at ");
        await Expect(page.Locator("#run-pruned")).ToHaveAttributeAsync("data-pruned-at", prunedAt.ToString("O"));
        await Expect(page.Locator("#pings summary")).ToHaveTextAsync("every ping (pruned)");
        await Expect(page.Locator("#pings tbody tr")).ToHaveCountAsync(0);
        // Without pings, the counts come from the stored statistics.
        await Expect(page.Locator("#run [data-field=sent]")).ToHaveTextAsync("31");
        await Expect(page.Locator("#run [data-field=ok]")).ToHaveTextAsync("30");
        await Expect(page.Locator("#run [data-field=lost]")).ToHaveTextAsync("1");
        await BrowserFixture.ScreenshotAsync(page, "run-pruned");

        await page.GotoAsync(Url(harness, "/runs/" + udp[1].RunId).ToString());

        await Expect(page.Locator("main[data-state='ready'] #run")).ToBeVisibleAsync();
        await Expect(page.Locator("#pings tbody tr")).ToHaveCountAsync(Seed.PingsPerRun);
        await Expect(page.Locator("#run-pruned")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task RunExplorer_OutcomeAndStartRange_FilteredByTheServiceAndKeptInTheUrl()
    {
        await using var harness = await SeededAsync();
        var t = RunFactory.BaseTime;
        var partial = RunFactory.Create([25, 26], startedAt: t.AddHours(1).AddMinutes(30)) with { Outcome = RunOutcome.Partial("interrupted") };
        await harness.PostAllAsync(partial, RunFactory.Create([], startedAt: t.AddHours(2).AddMinutes(30), platform: "janus") with
        {
            Outcome = RunOutcome.Failed("agent went away"),
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(harness.Server.BaseUrl, "/runs").ToString());
        await Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(9);

        await page.SelectOptionAsync("#filter-outcome", "partial");

        await Expect(page).ToHaveURLAsync(new Regex(@"/runs\?outcome=partial$"));
        await Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#runs tbody tr")).ToHaveAttributeAsync("data-run", partial.RunId);
        await Expect(page.Locator("#runs tbody tr td.outcome")).ToHaveTextAsync("partial");

        // [11:00, 12:00): udp 11:00, janus 11:05, the partial run at 11:30; the filter goes to the service.
        await page.SelectOptionAsync("#filter-outcome", "");
        await page.Locator("#filter-since").FillAsync("2026-11-21T11:00");
        await page.Locator("#filter-until").FillAsync("2026-11-21T12:00");
        await Expect(page).ToHaveURLAsync(new Regex(@"/runs\?since=2026-11-21T11:00:00Z&until=2026-11-21T12:00:00Z$"));
        await Expect(page.Locator("#page-info")).ToHaveTextAsync("1–3 of 3 · page 1 of 1");
        var request = await page.RunAndWaitForRequestAsync(
            () => page.SelectOptionAsync("#filter-outcome", "ok"),
            r => r.Url.Contains("/api/runs?", StringComparison.Ordinal));
        Assert.Contains("outcome=ok", request.Url, StringComparison.Ordinal);
        Assert.Contains("since=2026-11-21T11%3A00%3A00Z", request.Url, StringComparison.Ordinal);
        Assert.Contains("until=2026-11-21T12%3A00%3A00Z", request.Url, StringComparison.Ordinal);
        await Expect(page.Locator("#page-info")).ToHaveTextAsync("1–2 of 2 · page 1 of 1");
        await Expect(page.Locator("#runs td.outcome.ok")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(page, "runs-filtered");

        await page.ReloadAsync();
        await Expect(page.Locator("#filter-outcome")).ToHaveValueAsync("ok");
        await Expect(page.Locator("#filter-since")).ToHaveValueAsync("2026-11-21T11:00");
        await Expect(page.Locator("#filter-until")).ToHaveValueAsync("2026-11-21T12:00");
        await Expect(page.Locator("#runs tbody tr")).ToHaveCountAsync(2);

        // A range that ends before it starts: the service's 400 says why.
        await page.Locator("#filter-until").FillAsync("2026-11-21T10:00");
        await Expect(page.Locator("main[data-state='error'] #error")).ToContainTextAsync("HTTP 400: until: 2026-11-21T10:00:00.0000000+00:00 is not after since");
    }

    [Fact]
    public async Task Api_Answering500_ShowsTheErrorWithTheServiceDetail()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();
        await page.RouteAsync("**/api/results/aggregated**", route => route.FulfillAsync(new()
        {
            Status = 500,
            ContentType = "application/problem+json",
            Body = """{"title":"Internal Server Error","status":500,"detail":"the store exploded"}""",
        }));

        await page.GotoAsync(harness.Server.BaseUrl.ToString());

        await Expect(page.Locator("main[data-state='error'] #error")).ToContainTextAsync("HTTP 500: the store exploded");
        await Expect(page.Locator("#error")).ToContainTextAsync("rtcbench serve");
        await Expect(page.Locator("#status")).ToContainTextAsync("retrying every 30 s");
        await BrowserFixture.ScreenshotAsync(page, "error");
    }

    [Fact]
    public async Task Service_StoppedWhileOpen_RetryShowsItDidNotAnswer()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(page.Locator("main[data-state='ready'] #overview")).ToBeVisibleAsync();

        await harness.Server.StopAsync();
        await page.Locator("#nav a", new() { HasText = "time series" }).ClickAsync();

        await Expect(page.Locator("main[data-state='error'] #error")).ToContainTextAsync("did not answer (is `rtcbench serve` running?)");
    }

    [Fact]
    public async Task EmptyStore_Overview_SaysHowToStoreTheFirstRun()
    {
        await using var harness = await ServerHarness.StartAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(harness.Server.BaseUrl.ToString());

        string origin = harness.Server.BaseUrl.GetLeftPart(UriPartial.Authority);
        await Expect(page.Locator("main[data-state='empty'] #empty")).ToContainTextAsync($"rtcbench quickstart --store {origin}");
        await Expect(page.Locator("#status")).ToContainTextAsync("no runs yet");
        await BrowserFixture.ScreenshotAsync(page, "empty");
    }

    /// <summary>Makes the page believe it was hidden or shown (headless pages are always visible) and tells it so.</summary>
    private static Task SetVisibilityAsync(IPage page, string state) => page.EvaluateAsync(
        """
        s => {
          Object.defineProperty(document, "visibilityState", { value: s, configurable: true });
          Object.defineProperty(document, "hidden", { value: s === "hidden", configurable: true });
          document.dispatchEvent(new Event("visibilitychange"));
        }
        """, state);

    /// <summary>Waits (on the hub's change signal, no polling) until the service has this many event stream listeners.</summary>
    private static async Task SubscribersAsync(ServerHarness harness, int count)
    {
        var hub = harness.Server.Events;
        while (true)
        {
            var changed = hub.Changed;
            if (hub.SubscriberCount == count)
            {
                return;
            }
            await changed.WaitAsync(harness.Ct);
        }
    }

    /// <summary>Moves the mouse to a point of a chart's plot area (fractions of its size) and returns its tooltip, once shown.</summary>
    private static async Task<ILocator> HoverChartAsync(IPage page, string chart, double x, double y)
    {
        var over = page.Locator($"{chart} .u-over");
        var box = await over.BoundingBoxAsync();
        Assert.NotNull(box);
        await over.HoverAsync(new()
        {
            Position = new() { X = (float)Math.Clamp(box.Width * x, 1, box.Width - 1), Y = (float)Math.Clamp(box.Height * y, 1, box.Height - 1) },
        });
        var tip = page.Locator($"{chart} .tooltip");
        await Expect(tip).ToBeVisibleAsync();
        return tip;
    }

    private static ILocator Row(IPage page, string platform, string location, string channel) =>
        page.Locator($"#overview tbody tr[data-platform='{platform}'][data-location='{location}'][data-channel='{channel}']");
}
