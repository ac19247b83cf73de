using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Playwright;
using RtcBench.Core.Histograms;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Statistics;
using RtcBench.Server;
using RtcBench.Storage.Sqlite;

namespace RtcBench.Bench;

/// <summary>
/// The dashboard's first render with many runs stored: a SQLite store filled with runs over the last 7 days
/// (5 platforms × 5 locations × 2 channels, 100 pings each), the real service on 127.0.0.1:0, and Debian's headless
/// Chromium loading the overview in a fresh context (cold cache) each time. "First render" is the page's own
/// <c>rtcbench:first-render</c> performance mark: navigation start until the overview table, with every figure,
/// sparkline and significance mark, is in the DOM.
/// </summary>
internal static class DashboardBenchmark
{
    private const int PingsPerRun = 100;
    private static readonly string[] Platforms = ["daily", "livekit", "udp", "direct", "janus"];
    private static readonly string[] Locations = ["eu-west-1", "us-east-1", "us-west-2", "ap-south-1", "sa-east-1"];
    private static readonly string[] Channels = ["lossy", "reliable"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (BenchArgs.Read(args, "--runs", "--loads", "--chromium", "--screenshot") is not { } a)
        {
            return 2;
        }

        int runs = a.Int("--runs", 10_000), loads = a.Int("--loads", 10);
        string chromium = a.String("--chromium", "/usr/bin/chromium");
        string? screenshot = a.String("--screenshot");
        string directory = Directory.CreateTempSubdirectory("rtcbench-dashboard-bench-").FullName;
        try
        {
            string report = await MeasureAsync(Path.Combine(directory, "results.db"), runs, loads, chromium, screenshot);
            return await BenchReport.EmitAsync(report, a.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> MeasureAsync(string dbPath, int runs, int loads, string chromium, string? screenshot)
    {
        await using var store = new SqliteResultStore(dbPath);
        await store.InitializeAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var random = new Random(20261122);
        var seeding = Stopwatch.StartNew();
        int combos = Platforms.Length * Locations.Length * Channels.Length;
        var span = TimeSpan.FromDays(7);
        for (int i = 0; i < runs; i++)
        {
            int c = i % combos;
            var started = now - span + (span * ((double)i / runs));
            await store.SaveRunAsync(MakeRun(random, started, Platforms[c % Platforms.Length],
                Locations[c / Platforms.Length % Locations.Length], Channels[c / (Platforms.Length * Locations.Length)]), CancellationToken.None);
            if ((i + 1) % 1000 == 0)
            {
                Console.Error.WriteLine($"dashboard: stored {i + 1} runs");
            }
        }
        seeding.Stop();

        await using var server = await ServerHost.StartAsync(new ServerOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, store);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var firstRender = new List<double>();
        var slowestApi = new List<double>();
        var complete = new List<double>();
        int rows = 0;
        for (int i = 0; i < loads + 1; i++)
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(server.BaseUrl.ToString());
            await page.WaitForSelectorAsync("main[data-state='ready'] #overview", new() { Timeout = 60_000 });
            double rendered = await page.EvaluateAsync<double>("performance.getEntriesByName('rtcbench:first-render')[0].startTime");
            await page.WaitForSelectorAsync("#overview[data-compared='true']", new() { Timeout = 60_000 });
            double compared = await page.EvaluateAsync<double>("performance.getEntriesByName('rtcbench:compared')[0].startTime");
            double api = await page.EvaluateAsync<double>(
                "Math.max(...performance.getEntriesByType('resource').filter(e => e.name.includes('/api/')).map(e => e.duration))");
            rows = await page.Locator("#overview tbody tr").CountAsync();
            if (Environment.GetEnvironmentVariable("RTCBENCH_BENCH_VERBOSE") is not null)
            {
                Console.Error.WriteLine(await page.EvaluateAsync<string>(
                    "performance.getEntriesByType('resource').map(e => `${e.startTime.toFixed(0)}+${e.duration.toFixed(0)} ${e.name.replace(location.origin, '')}`).join('\\n')"));
            }
            if (i == loads && screenshot is not null)
            {
                await page.ScreenshotAsync(new() { Path = screenshot }); // the viewport: what a laptop shows first
            }
            if (i > 0)
            {
                // The first load also warms the service's JIT; every load measured is a fresh browser context.
                firstRender.Add(rendered);
                complete.Add(compared);
                slowestApi.Add(api);
            }
        }
        firstRender.Sort();
        slowestApi.Sort();
        complete.Sort();
        var report = new StringBuilder();
        report.AppendLine("# Dashboard: first render of the overview");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, {chromium} headless");
        report.AppendLine(CultureInfo.InvariantCulture, $"- command: `dotnet run -c Release --project bench/RtcBench.Bench -- dashboard --runs {runs} --loads {loads}`");
        report.AppendLine(CultureInfo.InvariantCulture, $"- store: SQLite, {runs:N0} runs of {PingsPerRun} pings ({(long)runs * PingsPerRun:N0} pings) over the last 7 days, {Platforms.Length} platforms × {Locations.Length} locations × {Channels.Length} channels; seeded in {seeding.Elapsed.TotalSeconds:F0} s");
        report.AppendLine(CultureInfo.InvariantCulture, $"- page: the overview, default filters (last 24 h: about {runs * 24 / (7 * 24):N0} runs), {rows} rows with sparklines and {Locations.Length * Channels.Length} compare calls; a fresh browser context (cold cache) per load, after one warm-up load");
        report.AppendLine("- first render = navigation start → the `rtcbench:first-render` mark (overview table with every figure and sparkline in the DOM);");
        report.AppendLine("  with significance marks = → the `rtcbench:compared` mark (every compare call answered and its ★ placed)");
        report.AppendLine();
        report.AppendLine("| loads | first render p50 | max | with significance marks p50 | max | slowest API call p50 | max |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"| {firstRender.Count} | {Median(firstRender):F0} ms | {firstRender[^1]:F0} ms | {Median(complete):F0} ms | {complete[^1]:F0} ms | {Median(slowestApi):F0} ms | {slowestApi[^1]:F0} ms |");
        return report.ToString();
    }

    private static double Median(List<double> sorted) => Percentile.Linear(sorted.ToArray(), 0.5);

    /// <summary>A run of 100 pings around a platform- and location-dependent median.</summary>
    private static RunResult MakeRun(Random random, DateTimeOffset started, string platform, string location, string channel)
    {
        double median = 15_000 + (Array.IndexOf(Platforms, platform) * 4_000) + (Array.IndexOf(Locations, location) * 9_000) + (random.NextDouble() * 3_000);
        return SyntheticRun.Make(random, started, platform, location, channel, PingsPerRun, median, sigma: 0.2);
    }
}
