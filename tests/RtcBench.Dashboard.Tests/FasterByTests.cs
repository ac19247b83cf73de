using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RtcBench.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace RtcBench.Dashboard.Tests;

/// <summary>
/// "x % faster" beside ★, on the overview and the map: the difference of medians relative to the slower one with
/// its 95% CI, as /api/results/compare answers it (median_relative_difference), shown only when compare declares a
/// winner. Besides <see cref="Seed"/> (udp 20 ms vs janus 30 ms at eu-west-1: 33.3 %, every bootstrap replicate
/// alike), livekit and daily at eu-central-1 are spread over ±2 ms around 12 and 14 ms (14.3 %, a real interval),
/// and udp and direct at us-west-2 are the same sample (no winner, nothing shown).
/// </summary>
public sealed class FasterByTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    static FasterByTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    private sealed record Lead(string Faster, string Slower, string Percent, string Low, string High);

    [Fact]
    public async Task Overview_SignificantWinner_BadgeSaysHowMuchFasterWithTheCompareCi()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        await Expect(page.Locator("#overview[data-compared='true']")).ToHaveCountAsync(1);

        await Expect(page.Locator("#compare-status")).ToHaveTextAsync("3 comparisons.");
        var livekit = await LeadAsync(harness, "livekit", "daily", "eu-central-1");
        Assert.Equal("14.3", livekit.Percent);                 // (14 − 12) / 14
        Assert.True(double.Parse(livekit.Low, CultureInfo.InvariantCulture) < 14.29 && double.Parse(livekit.High, CultureInfo.InvariantCulture) > 14.28,
            $"the CI {livekit.Low}–{livekit.High} brackets the estimate");
        var badge = Row(page, "livekit", "eu-central-1").Locator("[data-field=faster]");
        await Expect(badge.Locator("[data-field=faster-by]")).ToHaveTextAsync("14.3 % faster");
        await Expect(badge.Locator("[data-field=faster-ci]")).ToHaveTextAsync($"(95% CI {livekit.Low}–{livekit.High} %)");
        await Expect(badge).ToHaveAttributeAsync("title", new Regex($"^livekit is 14\\.3 % faster than daily \\(95% CI {Regex.Escape(livekit.Low)}–{Regex.Escape(livekit.High)} %\\)\\. "));
        var udp = await LeadAsync(harness, "udp", "janus", "eu-west-1");
        await Expect(Row(page, "udp", "eu-west-1").Locator("[data-field=faster-by]")).ToHaveTextAsync($"{udp.Percent} % faster");
        Assert.Equal("33.3", udp.Percent);
        // Not significant (the same sample) or the slower side: no figure at all.
        await Expect(page.Locator("#overview tr[data-location='us-west-2'] [data-field=faster]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#overview [data-field=faster]")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(page, "overview-faster-by");
    }

    [Fact]
    public async Task WorldMap_SignificantWinner_HoverAndPanelSayHowMuchFasterWithItsCi()
    {
        await using var harness = await SeededAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(PageHelpers.Url(harness, "/map").ToString());
        await Expect(page.Locator("#map[data-compared='true']")).ToHaveCountAsync(1);

        var livekit = await LeadAsync(harness, "livekit", "daily", "eu-central-1");
        string sentence = $"livekit is {livekit.Percent} % faster than daily (95% CI {livekit.Low}–{livekit.High} %)";
        var site = page.Locator("svg.world .site[data-location='eu-central-1']");
        await Expect(site).ToHaveAttributeAsync("data-winner", "livekit");
        await Expect(site.Locator("title")).ToHaveTextAsync($"eu-central-1\nlossy: {sentence}");   // the hover text
        await Expect(site).ToHaveAttributeAsync("data-faster", sentence);
        await Expect(page.Locator("svg.world .site[data-location='us-west-2'] title")).ToHaveTextAsync(
            new Regex(@"^us-west-2\slossy: (udp vs direct|direct vs udp), no significant difference$"));
        await Expect(page.Locator("svg.world .site[data-location='us-west-2']")).Not.ToHaveAttributeAsync("data-faster", new Regex("."));

        await site.ClickAsync();

        await Expect(page.Locator("#location-panel [data-field=verdict][data-channel='lossy']")).ToHaveTextAsync($"lossy: {sentence}");
        await Expect(page.Locator("#location-panel tr[data-platform='livekit'] [data-field=faster-by]")).ToHaveTextAsync($"{livekit.Percent} % faster");
        await Expect(page.Locator("#location-panel tr[data-platform='daily'] [data-field=faster]")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "map-faster-by");
    }

    private static async Task<ServerHarness> SeededAsync()
    {
        var harness = await PageHelpers.SeededAsync();
        var t = RunFactory.BaseTime.AddHours(4);
        double[] same = Spread(1, 61, 10);
        await harness.PostAllAsync(
            RunFactory.Create(Spread(2, 61, 12), startedAt: t, platform: "livekit", location: "eu-central-1"),
            RunFactory.Create(Spread(3, 61, 12), startedAt: t.AddMinutes(30), platform: "livekit", location: "eu-central-1"),
            RunFactory.Create(Spread(4, 61, 14), startedAt: t.AddMinutes(5), platform: "daily", location: "eu-central-1"),
            RunFactory.Create(Spread(5, 61, 14), startedAt: t.AddMinutes(35), platform: "daily", location: "eu-central-1"),
            RunFactory.Create(same, startedAt: t, platform: "udp", location: "us-west-2"),
            RunFactory.Create(same, startedAt: t.AddMinutes(5), platform: "direct", location: "us-west-2"));
        return harness;
    }

    /// <summary>n RTTs (ms) spread evenly over centre ± 2 ms in a seeded order: median exactly the centre.</summary>
    private static double[] Spread(int seed, int n, double centreMs)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(i => Math.Round(centreMs - 2 + (4.0 * i / (n - 1)), 4)).OrderBy(_ => random.Next()).ToArray();
    }

    /// <summary>What the page must show for the faster of the two at a location: compare's answer, formatted as the page does.</summary>
    private static async Task<Lead> LeadAsync(ServerHarness harness, string faster, string slower, string location)
    {
        var c = await harness.GetJsonAsync($"/api/results/compare?a={faster}&b={slower}&location={location}&channel=lossy&hours=24");
        Assert.Equal(faster, c.GetProperty("winner").GetString());
        var r = c.GetProperty("median_relative_difference");
        // a is the winner: the relative difference is negative, the lead its negation.
        string F(double v) => v.ToString("F1", CultureInfo.InvariantCulture);
        return new Lead(faster, slower,
            F(-r.GetProperty("estimate").GetDouble() * 100), F(-r.GetProperty("ci95_high").GetDouble() * 100), F(-r.GetProperty("ci95_low").GetDouble() * 100));
    }

    private static ILocator Row(IPage page, string platform, string location) =>
        page.Locator($"#overview tbody tr[data-platform='{platform}'][data-location='{location}'][data-channel='lossy']");
}
