using System.Net;
using RtcBench.Server.Tests.Support;

namespace RtcBench.Dashboard.Tests;

/// <summary>How `rtcbench serve` serves the dashboard's files: types, caching, its view routes and nothing else, the API untouched.</summary>
public sealed class StaticServingTests
{
    [Fact]
    public async Task Root_Get_IndexHtmlRevalidatedByEtag()
    {
        await using var harness = await ServerHarness.StartAsync();

        using var first = await harness.Client.GetAsync("/", harness.Ct);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await harness.Client.SendAsync(again, harness.Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/html; charset=utf-8", first.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-cache", first.Headers.CacheControl!.ToString());
        Assert.Contains("default-src 'self'", first.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("/assets/main.js", await first.Content.ReadAsStringAsync(harness.Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Theory]
    [InlineData("/assets/main.js", "text/javascript; charset=utf-8")]
    [InlineData("/assets/views/overview.js", "text/javascript; charset=utf-8")]
    [InlineData("/assets/app.css", "text/css; charset=utf-8")]
    [InlineData("/assets/vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8")]
    [InlineData("/assets/vendor/uPlot.min.css", "text/css; charset=utf-8")]
    [InlineData("/assets/vendor/land-110m.json", "application/json; charset=utf-8")]
    public async Task Asset_Get_ServedLocallyWithItsContentType(string path, string type)
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.GetAsync(path, harness.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType!.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.NotNull(response.Headers.ETag);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/pooled")]
    [InlineData("/runs/0123456789abcdef")]
    [InlineData("/timeseries")]
    [InlineData("/distribution")]
    [InlineData("/map")]
    [InlineData("/runs")]
    [InlineData("/runs/")]
    public async Task ViewRoute_Get_ServesTheIndexPage(string path)
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.GetAsync(path, harness.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("/assets/main.js", await response.Content.ReadAsStringAsync(harness.Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/metricsz")]           // /metrics itself is the Prometheus endpoint (below)
    [InlineData("/metrics/x")]
    [InlineData("/healthz")]
    [InlineData("/timeseriesx")]
    [InlineData("/runs/0123456789abcdef/pings")]
    [InlineData("/index.html")]
    [InlineData("/wp-login.php")]
    [InlineData("/api/nothing-here")]
    [InlineData("/api/results")]
    [InlineData("/assets/missing.js")]
    [InlineData("/favicon.ico")]
    public async Task UnknownPath_Get_404ProblemDetailsNotThePage(string path)
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.GetAsync(path, harness.Ct);
        string body = await response.Content.ReadAsStringAsync(harness.Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(404, System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Metrics_Get_ServesPrometheusTextNotThePage()
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.GetAsync("/metrics", harness.Ct);
        string body = await response.Content.ReadAsStringAsync(harness.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("# TYPE rtcbench_runs_ingested_total counter", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/metricsz")]
    [InlineData("/")]
    public async Task Path_Head_AnswersAsGetWould(string path)
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), harness.Ct);

        Assert.Equal(path == "/" ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ViewRoute_Post_405()
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.PostAsync("/timeseries", new StringContent(""), harness.Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void ViewRoutes_EqualTheClientRoutersViews()
    {
        var assets = Server.Dashboard.DashboardAssets.Load(typeof(Server.ServerHost).Assembly);
        string main = System.Text.Encoding.UTF8.GetString(assets.Find("assets/main.js")!.Bytes);

        // main.ts: `{ name: "map", path: "/map", … }` per view, and /runs/ID for one run.
        var client = System.Text.RegularExpressions.Regex.Matches(main, @"\bpath: ""(/[^""]*)""")
            .Select(m => m.Groups[1].Value)
            .Append("/runs/{id}")
            .Order(StringComparer.Ordinal);

        Assert.True(client.Count() > 3, main[..Math.Min(200, main.Length)]);
        Assert.Equal(client, Server.Dashboard.DashboardEndpoints.ViewRoutes.Order(StringComparer.Ordinal));
        Assert.Contains("segments[0] === \"runs\" && segments.length > 1", main, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiRoute_WrongMethod_Still405()
    {
        await using var harness = await ServerHarness.StartAsync();

        using var response = await harness.Client.PostAsync("/api/results/latest", new StringContent(""), harness.Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public void IndexHtml_ModulePreloads_EveryModuleImported()
    {
        var assets = Server.Dashboard.DashboardAssets.Load(typeof(Server.ServerHost).Assembly);
        string index = System.Text.Encoding.UTF8.GetString(assets.Index!.Bytes);
        string[] modules = ["main.js", "views/overview.js", "views/pooled.js", "views/timeseries.js", "views/distribution.js", "views/map.js", "views/runs.js", "views/run.js"];

        var imported = modules
            .SelectMany(m => System.Text.RegularExpressions.Regex.Matches(
                    System.Text.Encoding.UTF8.GetString(assets.Find("assets/" + m)!.Bytes), @"from ""(\.\.?/[^""]+)""")
                .Select(match => new Uri(new Uri("http://x/assets/" + m), match.Groups[1].Value).AbsolutePath))
            .Concat(modules.Skip(1).Select(m => "/assets/" + m))
            .Distinct()
            .ToList();

        Assert.NotEmpty(imported);
        Assert.All(imported, path => Assert.Contains($"<link rel=\"modulepreload\" href=\"{path}\">", index, StringComparison.Ordinal));
    }
}
