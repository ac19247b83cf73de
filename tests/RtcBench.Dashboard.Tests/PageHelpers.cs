using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RtcBench.Server.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace RtcBench.Dashboard.Tests;

/// <summary>What the browser test classes share: a seeded service, rows and numbers read from the DOM.</summary>
internal static partial class PageHelpers
{
    public static async Task<ServerHarness> SeededAsync()
    {
        var harness = await ServerHarness.StartAsync();
        await Seed.PostAsync(harness);
        return harness;
    }

    public static Uri Url(ServerHarness harness, string pathAndQuery) => new(harness.Server.BaseUrl, pathAndQuery);

    /// <summary>The number in a cell, once the cell shows one.</summary>
    public static async Task<double> NumberAsync(ILocator scope, string field)
    {
        var cell = scope.Locator($"[data-field={field}]");
        await Expect(cell).ToHaveTextAsync(Number());
        return double.Parse(await cell.TextContentAsync() ?? "", CultureInfo.InvariantCulture);
    }

    public static void AssertNear(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= Math.Abs(expected) * relative, $"expected {expected} ± {relative:P0}, got {actual}");

    /// <summary>A latency in µs as the dashboard shows it in ms (src/format.ts ms()).</summary>
    public static string Ms(double us, int digits = 1) => (us / 1000).ToString("F" + digits, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^-?\d+(\.\d+)?$")]
    private static partial Regex Number();
}
