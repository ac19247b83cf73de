using System.Globalization;
using System.Text.Json;
using HdrHistogram;
using RtcBench.Core.Results;

namespace RtcBench.Cli.Tests;

/// <summary>
/// <c>rtcbench results export</c> of runs measured by the real CLI against a real agent; the hdr log is read back
/// with HdrHistogram's own reader and checked against the exact RTTs of the stored pings.
/// </summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private async Task<List<RunResult>> MeasureAsync()
    {
        await using var agent = await CliHarness.StartAgentAsync();
        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--platform", "udp,direct",
            "--channel", "lossy", "--count", "80", "--interval", "3ms", "--warmup", "5", "--store", _cli.StoreSpec,
            "--json", "--quiet", "--location", "lab, room 2");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ResultJson.Deserialize).ToList();
    }

    [Fact]
    public async Task ExportHdr_HdrHistogramsReaderReadsEveryRunWithItsExactCountsAndPercentiles()
    {
        var runs = await MeasureAsync();
        string file = Path.Combine(_cli.TempDir, "runs.hlog");

        var result = await _cli.RunAsync("results", "export", "--format", "hdr", "--store", _cli.StoreSpec, "--output", file);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("exported 2 run(s) as hdr", result.Stderr, StringComparison.Ordinal);
        List<HistogramBase> histograms;
        using (var stream = File.OpenRead(file))
        using (var reader = new HistogramLogReader(stream))
        {
            histograms = reader.ReadHistograms().ToList();
        }
        Assert.Equal(2, histograms.Count);
        foreach (var histogram in histograms)
        {
            string[] tag = histogram.Tag.Split('/');
            var run = runs.Single(r => r.RunId == tag[3]);
            Assert.Equal([run.Platform, run.Channel, "lab__room_2"], tag[..3]);
            Assert.Equal(run.Stats.Ok, histogram.TotalCount);
            // The log stores times as decimal seconds and HdrHistogram.NET's reader truncates seconds × 1000 back to
            // whole milliseconds, so a value can come back 1 ms low (e.g. 1796643842.058 → …057.99999 → …057).
            Assert.InRange(run.StartedAt.ToUnixTimeMilliseconds() - histogram.StartTimeStamp, 0, 1);
            Assert.InRange(run.EndedAt.ToUnixTimeMilliseconds() - histogram.EndTimeStamp, 0, 1);

            // Every percentile HdrHistogram reports is the top of the bucket holding the exact value at its rank
            // (HdrHistogram.NET's rank: percentile × count rounded to nearest, at least 1).
            var exact = run.Pings.Where(p => p.Status == "ok").Select(p => (long)Math.Round(p.RttUs!.Value)).Order().ToArray();
            foreach (double percentile in new[] { 1.0, 50, 90, 95, 99, 100 })
            {
                long value = exact[Math.Max(1, (long)((percentile / 100 * exact.Length) + 0.5)) - 1];
                Assert.Equal(histogram.HighestEquivalentValue(value), histogram.GetValueAtPercentile(percentile));
            }
            // And every recorded value sits in its bucket with the exact count.
            foreach (var group in exact.GroupBy(histogram.LowestEquivalentValue))
            {
                Assert.Equal(group.Count(), histogram.GetCountAtValue(group.Key));
            }
        }
    }

    [Fact]
    public async Task ExportCsv_OneRowPerRunOldestFirstWithTheStoredFigures()
    {
        var runs = await MeasureAsync();

        var result = await _cli.RunAsync("results", "export", "--store", _cli.StoreSpec);
        var udpOnly = await _cli.RunAsync("results", "export", "--format", "csv", "--platform", "udp", "--store", _cli.StoreSpec);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal("run_id", header[0]);
        var ordered = runs.OrderBy(r => r.StartedAt).ThenBy(r => r.RunId).ToList();
        for (int i = 0; i < 2; i++)
        {
            // The location has a comma, so it is quoted; split the rest around it.
            Assert.Contains(",\"lab, room 2\",", lines[i + 1], StringComparison.Ordinal);
            var cells = lines[i + 1].Replace("\"lab, room 2\"", "LOC", StringComparison.Ordinal).Split(',');
            Assert.Equal(ordered[i].RunId, cells[0]);
            Assert.Equal(ordered[i].Platform, cells[Array.IndexOf(header, "platform")]);
            Assert.Equal(ordered[i].Stats.Rtt!.P95Us, double.Parse(cells[Array.IndexOf(header, "rtt_p95_us")], CultureInfo.InvariantCulture));
            Assert.Equal(ordered[i].Stats.Ok, int.Parse(cells[Array.IndexOf(header, "ok")], CultureInfo.InvariantCulture));
        }
        Assert.True(udpOnly.ExitCode == 0, udpOnly.Stderr);
        var udpLines = udpOnly.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, udpLines.Length);
        Assert.StartsWith(runs.Single(r => r.Platform == "udp").RunId + ",", udpLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportJson_CompleteDocumentsThatReadBackEqual()
    {
        var runs = await MeasureAsync();

        var result = await _cli.RunAsync("results", "export", "--format", "json", "--limit", "1", "--store", _cli.StoreSpec);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var docs = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Select(e => ResultJson.Deserialize(e.GetRawText())).ToList();
        var newest = runs.OrderBy(r => r.StartedAt).ThenBy(r => r.RunId).Last();
        var doc = Assert.Single(docs);
        Assert.Equal(newest.RunId, doc.RunId);
        Assert.Equal(newest.Pings, doc.Pings);
        Assert.Equal(newest.Stats, doc.Stats);
    }

    [Fact]
    public async Task Export_MissingStore_Exit8()
    {
        var result = await _cli.RunAsync("results", "export", "--store", "sqlite:" + Path.Combine(_cli.TempDir, "none.db"));

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.False(File.Exists(Path.Combine(_cli.TempDir, "none.db")));
    }
}
