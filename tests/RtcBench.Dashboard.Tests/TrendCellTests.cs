using Microsoft.Playwright;
using RtcBench.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace RtcBench.Dashboard.Tests;

/// <summary>
/// The overview's p50 trend cell (src/sparkline.ts): a line placed in time when three or more buckets have runs;
/// with one or two, the points as dots and how many runs they hold, never a lone dot that says nothing.
/// </summary>
public sealed class TrendCellTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    static TrendCellTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    [Fact]
    public async Task Overview_ThreeHourlyRuns_ALineEndingInADot()
    {
        await using var harness = await PageHelpers.SeededAsync();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(harness.Server.BaseUrl.ToString());

        var udp = Trend(page, "udp", "eu-west-1", "lossy");
        await Expect(udp).ToHaveAttributeAsync("data-shape", "line");
        await Expect(udp).ToHaveAttributeAsync("data-points", "3");
        await Expect(udp).ToHaveAttributeAsync("data-runs", "3");
        await Expect(udp.Locator("svg path")).ToHaveCountAsync(1);
        await Expect(udp.Locator("svg circle")).ToHaveCountAsync(1);
        await Expect(udp.Locator("[data-field=trend-text]")).ToHaveCountAsync(0);
        await Expect(udp).ToHaveAttributeAsync("title", new System.Text.RegularExpressions.Regex(@"^p50 per 1h: 20\.\d, 20\.\d, 20\.\d ms \(3 runs\)$"));
    }

    [Fact]
    public async Task Overview_OneOrTwoRuns_TheirDotsPlacedInTimeAndHowManyRuns()
    {
        await using var harness = await PageHelpers.SeededAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(harness.Server.BaseUrl.ToString());

        // One daily run (13:00): one dot and "1 run", not a dot alone.
        var daily = Trend(page, "daily", "us-east-1", "reliable");
        await Expect(daily).ToHaveAttributeAsync("data-shape", "dots");
        await Expect(daily.Locator("[data-field=trend-text]")).ToHaveTextAsync("1 run");
        await Expect(daily.Locator("svg circle")).ToHaveCountAsync(1);
        await Expect(daily.Locator("svg path")).ToHaveCountAsync(0);

        // A second run in the same hour: still one point, now holding two runs.
        await harness.PostAllAsync(RunFactory.Create([30, 31, 32], startedAt: RunFactory.BaseTime.AddHours(3).AddMinutes(20),
            platform: "daily", location: "us-east-1", channel: "reliable"));
        await Expect(daily.Locator("[data-field=trend-text]")).ToHaveTextAsync("2 runs");
        await Expect(daily.Locator("svg circle")).ToHaveCountAsync(1);

        // A third two hours later: two dots, the later to the right, and still no line through two points.
        await harness.PostAllAsync(RunFactory.Create([40, 41, 42], startedAt: RunFactory.BaseTime.AddHours(5),
            platform: "daily", location: "us-east-1", channel: "reliable"));
        await Expect(daily.Locator("[data-field=trend-text]")).ToHaveTextAsync("3 runs");
        await Expect(daily).ToHaveAttributeAsync("data-points", "2");
        await Expect(daily.Locator("svg circle")).ToHaveCountAsync(2);
        await Expect(daily.Locator("svg path")).ToHaveCountAsync(0);
        double first = double.Parse((await daily.Locator("svg circle").Nth(0).GetAttributeAsync("cx"))!, System.Globalization.CultureInfo.InvariantCulture);
        double second = double.Parse((await daily.Locator("svg circle").Nth(1).GetAttributeAsync("cx"))!, System.Globalization.CultureInfo.InvariantCulture);
        // The window is 24 h across 90 units of width: two hours apart is 7.5 units.
        Assert.InRange(second - first, 7.4, 7.6);
        await BrowserFixture.ScreenshotAsync(page, "overview-trend-dots");
    }

    private static ILocator Trend(IPage page, string platform, string location, string channel) =>
        page.Locator($"#overview tbody tr[data-platform='{platform}'][data-location='{location}'][data-channel='{channel}'] [data-field=trend] .trend");
}
