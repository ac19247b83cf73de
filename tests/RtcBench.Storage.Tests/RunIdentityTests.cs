using RtcBench.Core.Results;

namespace RtcBench.Storage.Tests;

public sealed class RunIdentityTests
{
    private static readonly RunResult Run = RunnerDocuments.Create([10, 11, null, 12], warmup: 1);

    [Fact]
    public void FirstDifference_SameDocumentWrittenDifferently_Null()
    {
        var written = ResultStoreContractTests.OddlyWrittenRunnerDocument();
        var reparsed = ResultJson.Deserialize(ResultJson.Serialize(written with
        {
            StartedAt = written.StartedAt.ToUniversalTime(),
            Latitude = 0.0,
            Path = written.Path! with { Details = written.Path.Details!.Reverse().ToDictionary() },
        }));

        Assert.Null(RunIdentity.FirstDifference(written, reparsed));
    }

    [Theory]
    [InlineData("stats.rtt.p50_us")]
    [InlineData("pings[2].status")]
    [InlineData("location")]
    [InlineData("path.details")]
    [InlineData("pings")]
    public void FirstDifference_OneFieldChanged_NamesIt(string field)
    {
        var changed = field switch
        {
            "stats.rtt.p50_us" => Run with { Stats = Run.Stats with { Rtt = Run.Stats.Rtt! with { P50Us = Run.Stats.Rtt.P50Us + 0.001 } } },
            "pings[2].status" => Run with { Pings = Run.Pings.Select(p => p.Seq == 2 ? p with { Status = "late" } : p).ToArray() },
            "location" => Run with { Location = "eu-west-2" },
            "path.details" => Run with { Path = Run.Path! with { Details = new Dictionary<string, string> { ["extra"] = "x" } } },
            "pings" => Run with { Pings = [] },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        Assert.Equal(field, RunIdentity.FirstDifference(Run, changed));
    }

}
