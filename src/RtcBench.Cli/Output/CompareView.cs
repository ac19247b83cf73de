using System.Globalization;
using RtcBench.Server.Contracts;

namespace RtcBench.Cli.Output;

/// <summary>The human form of a comparison: both sides, the differences with their bootstrap CIs, the test, the verdict.</summary>
internal static class CompareView
{
    public static void Write(TextWriter w, CompareResponse r)
    {
        int width = Math.Max(r.A.Platform.Length, r.B.Platform.Length);
        w.WriteLine($"Compare: RTT of ok pings, ms ({Format.Time(r.Since)} to {Format.Time(r.Until)}{(r.Location is null ? "" : $", location {r.Location}")}{(r.Channel is null ? "" : $", channel {r.Channel}")})");
        w.WriteLine($"     {"".PadRight(width)}  {"runs",5}  {"ok pings",9}  {"mean",9}  {"p50",9}  {"p95",9}");
        foreach (var (tag, side) in new[] { ("a", r.A), ("b", r.B) })
        {
            w.WriteLine($"  {tag}  {side.Platform.PadRight(width)}  {side.Runs,5}  {side.Count,9}  {Format.Ms(side.MeanUs),9}  {Format.Ms(side.P50Us),9}  {Format.Ms(side.P95Us),9}");
        }
        if (r.MedianDifferenceUs is { } median)
        {
            w.WriteLine($"  median a - b   {Format.Ms(median.Estimate)} ms  (95% CI {Format.Ms(median.Ci95Low)} to {Format.Ms(median.Ci95High)})");
        }
        if (r.MedianRelativeDifference is { } relative)
        {
            w.WriteLine($"  median a vs b  {Percent(relative.Estimate)}  (95% CI {Percent(relative.Ci95Low)} to {Percent(relative.Ci95High)}; negative: a is faster)");
        }
        if (r.P95DifferenceUs is { } p95)
        {
            w.WriteLine($"  p95 a - b      {Format.Ms(p95.Estimate)} ms  (95% CI {Format.Ms(p95.Ci95Low)} to {Format.Ms(p95.Ci95High)})");
        }
        if (r.Test is { } test)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Mann-Whitney U = {test.U:0.#}, z = {test.Z:0.###}, p = {test.PValue:G3} ({test.Method})"));
        }
        w.WriteLine($"  CIs: {r.CiMethod}");
        w.WriteLine($"Winner: {r.Winner ?? "none"} — {r.Reason}");
    }

    private static string Percent(double fraction) =>
        (fraction * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";
}
