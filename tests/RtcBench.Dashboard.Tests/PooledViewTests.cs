using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RtcBench.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace RtcBench.Dashboard.Tests;

/// <summary>
/// The view across locations (/pooled), reached from the overview: per platform × channel, every location's runs
/// pooled by the service. Besides <see cref="Seed"/> (udp at eu-west-1: 90 pings around 20 ms), one udp run at
/// us-east-1 answers around 50 ms (30 pings): pooled, udp's p50 stays about 20 ms and its p95 is about 51 ms, where
/// averaging the two places' p50s would say 35 ms.
/// </summary>
public sealed class PooledViewTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    static PooledViewTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    [Fact]
    public async Task Pooled_FromTheOverview_ShowsTheServicesMergedFiguresPerPlatformAndChannel()
    {
        await using var harness = await PageHelpers.SeededAsync();
        await harness.PostAllAsync(RunFactory.Create(
            Enumerable.Range(0, 30).Select(i => 50.0 + (i % 3) - 1).ToArray(), startedAt: RunFactory.BaseTime.AddHours(4), location: "us-east-1"));
        var page = await browser.NewPageAsync();
        await page.GotoAsync(harness.Server.BaseUrl.ToString());

        await page.Locator("#to-pooled").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/pooled$"));
        await Expect(page.Locator("main[data-state='ready'] #pooled")).ToBeVisibleAsync();
        await Expect(page.Locator("#nav a.active")).ToHaveTextAsync("across locations");
        await Expect(page.Locator("#pooled tbody tr")).ToHaveCountAsync(3);   // udp, janus (lossy); daily (reliable)
        var api = await harness.GetJsonAsync("/api/results/aggregated?hours=24&across_locations=true");
        foreach (var g in api.GetProperty("groups").EnumerateArray())
        {
            var row = Row(page, g.GetProperty("platform").GetString()!, g.GetProperty("channel").GetString()!);
            string[] places = g.GetProperty("locations").EnumerateArray().Select(l => l.GetString()!).ToArray();
            await Expect(row.Locator("[data-field=locations]")).ToHaveTextAsync(places.Length.ToString(CultureInfo.InvariantCulture));
            await Expect(row.Locator("[data-field=location-names]")).ToHaveTextAsync(string.Join(", ", places));
            await Expect(row.Locator("[data-field=runs]")).ToHaveTextAsync(g.GetProperty("runs").GetInt32().ToString(CultureInfo.InvariantCulture));
            await Expect(row.Locator("[data-field=count]")).ToHaveTextAsync(g.GetProperty("count").GetInt64().ToString(CultureInfo.InvariantCulture));
            foreach (string q in new[] { "p50", "p95", "p99" })
            {
                await Expect(row.Locator($"[data-field={q}]")).ToHaveTextAsync(PageHelpers.Ms(g.GetProperty(q + "_us").GetDouble()));
            }
            await Expect(row.Locator("[data-field=jitter]")).ToHaveTextAsync(PageHelpers.Ms(g.GetProperty("jitter_us").GetDouble(), 2));
        }

        // By hand: udp pools 120 pings from two places; the merged p50 is the 60th smallest, 20 ms, not (20 + 50) / 2.
        var udp = Row(page, "udp", "lossy");
        await Expect(udp.Locator("[data-field=location-names]")).ToHaveTextAsync("eu-west-1, us-east-1");
        await Expect(udp.Locator("[data-field=runs]")).ToHaveTextAsync("4");
        await Expect(udp.Locator("[data-field=count]")).ToHaveTextAsync("120");
        PageHelpers.AssertNear(20, await PageHelpers.NumberAsync(udp, "p50"), 0.01);
        PageHelpers.AssertNear(51, await PageHelpers.NumberAsync(udp, "p95"), 0.01);
        await Expect(udp.Locator("[data-field=loss]")).ToHaveTextAsync("2.4%");   // 3 lost of 123
        await Expect(udp.Locator("[data-field=trend] .trend")).ToHaveAttributeAsync("data-runs", "4");

        // ★ per channel from compare over every location: udp (pooled median 20.5 ms) vs janus (30 ms).
        await Expect(page.Locator("#pooled[data-compared='true']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#compare-status")).ToHaveTextAsync("1 comparison.");
        var c = await harness.GetJsonAsync("/api/results/compare?a=udp&b=janus&channel=lossy&hours=24");
        Assert.Equal("udp", c.GetProperty("winner").GetString());
        double lead = -c.GetProperty("median_relative_difference").GetProperty("estimate").GetDouble() * 100;
        Assert.Equal(100 * (30 - 20.5) / 30, lead, 9);
        await Expect(udp.Locator("[data-field=faster-by]")).ToHaveTextAsync($"{lead.ToString("F1", CultureInfo.InvariantCulture)} % faster");
        await Expect(Row(page, "janus", "lossy").Locator("[data-field=faster]")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "pooled");

        await page.Locator("#to-overview").ClickAsync();
        await Expect(page.Locator("main[data-state='ready'] #overview")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Pooled_ChannelFilter_KeptInTheUrlAndSentToTheService()
    {
        await using var harness = await PageHelpers.SeededAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(PageHelpers.Url(harness, "/pooled").ToString());
        await Expect(page.Locator("#pooled tbody tr")).ToHaveCountAsync(3);

        var request = await page.RunAndWaitForRequestAsync(
            () => page.SelectOptionAsync("#filter-channel", "reliable"),
            r => r.Url.Contains("/api/results/aggregated?", StringComparison.Ordinal));

        Assert.Contains("across_locations=true", request.Url, StringComparison.Ordinal);
        Assert.Contains("channel=reliable", request.Url, StringComparison.Ordinal);
        await Expect(page).ToHaveURLAsync(new Regex(@"/pooled\?channel=reliable$"));
        await Expect(page.Locator("#pooled tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#pooled tbody tr")).ToHaveAttributeAsync("data-platform", "daily");
        await Expect(page.Locator("#filter-location")).ToHaveCountAsync(0);   // every location, by definition
    }

    private static ILocator Row(IPage page, string platform, string channel) =>
        page.Locator($"#pooled tbody tr[data-platform='{platform}'][data-channel='{channel}']");
}
