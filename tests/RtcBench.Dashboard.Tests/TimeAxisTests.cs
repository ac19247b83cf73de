using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using RtcBench.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace RtcBench.Dashboard.Tests;

/// <summary>
/// The time series' x axis (src/timeaxis.ts) in real Chromium: ticks on bucket boundaries, a step that is a multiple
/// of the bucket and leaves each label its room, the whole window shown whatever the data covers, labels in the
/// viewer's local time with dates when the axis spans days. The labels are HTML, read here from the DOM.
/// </summary>
public sealed class TimeAxisTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    static TimeAxisTests() => SetDefaultExpectTimeout(BrowserFixture.TimeoutMs);

    private sealed record Tick(DateTimeOffset T, string Main, string Sub, double Left, double Right);

    [Theory]
    [InlineData("bucket=5m&hours=6", 5)]                   // the report: 5-minute buckets were ticked every few seconds
    [InlineData("bucket=5m&hours=6&platform=daily", 5)]    // one point: the axis used to span a thousand days
    [InlineData("bucket=5m&hours=24&location=eu-west-1", 5)]
    [InlineData("bucket=15m&hours=6", 15)]
    [InlineData("bucket=1h&hours=24", 60)]
    [InlineData("bucket=6h&hours=168", 360)]
    public async Task TimeSeries_Bucket_TicksOnBucketBoundariesAcrossTheWholeWindow(string query, int bucketMinutes)
    {
        await using var harness = await PageHelpers.SeededAsync();
        var page = await browser.NewPageAsync();
        int hours = int.Parse(System.Web.HttpUtility.ParseQueryString(query)["hours"]!, CultureInfo.InvariantCulture);

        await page.GotoAsync(PageHelpers.Url(harness, "/timeseries?" + query).ToString());
        var ticks = await TicksAsync(page);

        var bucket = TimeSpan.FromMinutes(bucketMinutes);
        var until = ServerHarness.Now;
        var start = Floor(until.AddHours(-hours), bucket);
        Assert.InRange(ticks.Count, 2, 20);
        var step = ticks[1].T - ticks[0].T;
        Assert.True(step >= bucket && step.Ticks % bucket.Ticks == 0, $"step {step} is not a multiple of the {bucket} bucket");
        Assert.All(ticks, t => Assert.Equal(0, (t.T - DateTimeOffset.UnixEpoch).Ticks % bucket.Ticks));   // on bucket boundaries
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.Equal(step, pair.Second.T - pair.First.T));   // evenly
        Assert.True(ticks[0].T >= start && ticks[0].T - start < step, $"first tick {ticks[0].T} for a window from {start}");
        Assert.True(ticks[^1].T <= until && until - ticks[^1].T < step, $"last tick {ticks[^1].T} for a window to {until}");
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.True(pair.First.Right < pair.Second.Left, "labels overlap"));
        Assert.All(ticks, t => Assert.Equal(t.T.UtcDateTime.ToString(step >= TimeSpan.FromDays(1) ? "MMM d" : "HH:mm", CultureInfo.InvariantCulture), t.Main));
        await BrowserFixture.ScreenshotAsync(page, "timeseries-" + query.Replace('&', '-').Replace('=', '_'));
    }

    [Fact]
    public async Task TimeSeries_WeekInKolkata_LocalTimesWithTheDateAtEachNewDay()
    {
        await using var harness = await PageHelpers.SeededAsync();
        var page = await browser.NewPageAsync(timeZone: "Asia/Kolkata");   // UTC+5:30: hours on the UTC hour read :30

        await page.GotoAsync(PageHelpers.Url(harness, "/timeseries?hours=168&bucket=1h").ToString());
        var ticks = await TicksAsync(page);

        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
        var local = ticks.Select(t => TimeZoneInfo.ConvertTime(t.T, zone)).ToArray();
        Assert.InRange(ticks.Count, 7, 20);
        Assert.True(ticks[1].T - ticks[0].T < TimeSpan.FromDays(1), "a week at this width is ticked within days");
        Assert.All(ticks.Zip(local), p => Assert.Equal(p.Second.ToString("HH:mm", CultureInfo.InvariantCulture), p.First.Main));
        Assert.All(local, l => Assert.Equal(30, l.Minute));
        // The date under the first tick and under the first tick of each later local day, nowhere else.
        for (int i = 0; i < ticks.Count; i++)
        {
            bool newDay = i == 0 || local[i].Date != local[i - 1].Date;
            Assert.Equal(newDay ? local[i].ToString("MMM d", CultureInfo.InvariantCulture) : "", ticks[i].Sub);
        }
        await BrowserFixture.ScreenshotAsync(page, "timeseries-week-kolkata");
    }

    [Fact]
    public async Task TimeSeries_DailyBucketsInNewYork_DatesWithTheLocalTimeOfTheUtcDay()
    {
        await using var harness = await PageHelpers.SeededAsync();
        var page = await browser.NewPageAsync(timeZone: "America/New_York");

        await page.GotoAsync(PageHelpers.Url(harness, "/timeseries?hours=720&bucket=1d").ToString());
        var ticks = await TicksAsync(page);

        // Days are UTC days (the service's buckets): in New York in November each starts at 19:00 the day before.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        Assert.InRange(ticks.Count, 3, 20);
        Assert.All(ticks, t =>
        {
            var l = TimeZoneInfo.ConvertTime(t.T, zone);
            Assert.Equal(l.ToString("MMM d", CultureInfo.InvariantCulture), t.Main);
            Assert.Equal(l.ToString("HH:mm", CultureInfo.InvariantCulture), t.Sub);
        });
    }

    /// <summary>
    /// Every bucket the filter offers × every window it offers, at a phone's and a desktop's plot width, through the
    /// page's own module: a step that is a multiple of the bucket, labels at least 64 px apart, at least one tick, and
    /// no two neighbouring labels alike.
    /// </summary>
    [Fact]
    public async Task TickStep_EveryBucketAndWindow_ReadableSpacingOnBucketBoundaries()
    {
        await using var harness = await ServerHarness.StartAsync();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(harness.Server.BaseUrl.ToString());
        int[] buckets = [300, 900, 3600, 21600, 86400];
        int[] hours = [1, 6, 24, 168, 720, 2160];
        int[] widths = [300, 1180];

        string json = await page.EvaluateAsync<string>(
            """
            async ([buckets, hours, widths, now]) => {
              const axis = await import("/assets/timeaxis.js");
              const out = [];
              for (const b of buckets) for (const h of hours) for (const w of widths) {
                const min = Math.floor((now - h * 3600) / b) * b;
                const ticks = axis.timeTicks(min, now, b, w);
                const step = axis.tickStep(now - min, b, w);
                const labels = axis.tickLabels(ticks, step, min, now).map((l) => l.main + "|" + l.sub);
                out.push({ b, h, w, min, step, ticks, labels });
              }
              return JSON.stringify(out);
            }
            """,
            new object[] { buckets, hours, widths, ServerHarness.Now.ToUnixTimeSeconds() });

        var cases = JsonDocument.Parse(json).RootElement.EnumerateArray().ToArray();
        Assert.Equal(buckets.Length * hours.Length * widths.Length, cases.Length);
        Assert.All(cases, c =>
        {
            string name = $"bucket {c.GetProperty("b")} s, {c.GetProperty("h")} h, {c.GetProperty("w")} px";
            long b = c.GetProperty("b").GetInt64();
            long step = c.GetProperty("step").GetInt64();
            double span = ServerHarness.Now.ToUnixTimeSeconds() - c.GetProperty("min").GetInt64();
            var ticks = c.GetProperty("ticks").EnumerateArray().Select(t => t.GetInt64()).ToArray();
            var labels = c.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToArray();
            Assert.True(step % b == 0, $"{name}: step {step} s");
            Assert.True(step / span * c.GetProperty("w").GetInt32() >= 64, $"{name}: labels {step / span * c.GetProperty("w").GetInt32():F0} px apart");
            Assert.True(ticks.Length >= 1, $"{name}: no tick");
            Assert.All(ticks, t => Assert.True(t % step == 0, $"{name}: tick {t} off the step"));
            Assert.True(labels.Zip(labels.Skip(1)).All(p => p.First != p.Second), $"{name}: neighbouring labels alike: {string.Join(", ", labels)}");
        });
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan bucket) =>
        DateTimeOffset.UnixEpoch.AddTicks((time - DateTimeOffset.UnixEpoch).Ticks / bucket.Ticks * bucket.Ticks);

    /// <summary>The chart's tick labels as the page shows them, once drawn.</summary>
    private static async Task<List<Tick>> TicksAsync(IPage page)
    {
        await Expect(page.Locator("main[data-state='ready'] #timeseries-chart .x-tick").First).ToBeVisibleAsync();
        string json = await page.EvaluateAsync<string>(
            """
            () => JSON.stringify([...document.querySelectorAll("#timeseries-chart .x-tick")].map((e) => {
              const r = e.getBoundingClientRect();
              return { t: e.dataset.t, main: e.querySelector(".x-tick-main").textContent,
                       sub: e.querySelector(".x-tick-sub")?.textContent ?? "", left: r.left, right: r.right };
            }))
            """);
        return JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Select(e => new Tick(
                DateTimeOffset.Parse(e.GetProperty("t").GetString()!, CultureInfo.InvariantCulture),
                e.GetProperty("main").GetString()!, e.GetProperty("sub").GetString()!,
                e.GetProperty("left").GetDouble(), e.GetProperty("right").GetDouble()))
            .ToList();
    }
}
