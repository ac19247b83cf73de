using RtcBench.Core.Results;
using RtcBench.Storage.Delivery;

namespace RtcBench.Storage.Tests;

public sealed class ResultSpoolTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Add_TwoRuns_OneFileEachOldestFirstAndReadsBackEqual()
    {
        var spool = new ResultSpool(_directory.File("spool"));
        var newer = TestRuns.Create(pingCount: 5, startedAt: TestRuns.BaseTime.AddHours(1));
        var older = TestRuns.Create(pingCount: 5);

        spool.Add(newer);
        spool.Add(older);

        var files = spool.List();
        Assert.Equal(2, files.Count);
        Assert.Equal(ResultJson.Serialize(older), ResultJson.Serialize(ResultJson.Deserialize(File.ReadAllText(files[0]))));
        Assert.EndsWith(newer.RunId + ".json", files[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_CountsWaitingRunsTheirBytesTheOldestAgeAndTheRejected()
    {
        var spool = new ResultSpool(_directory.File("spool"));
        Assert.Equal(SpoolState.Empty, spool.Snapshot(TestRuns.BaseTime));
        var older = TestRuns.Create(pingCount: 5);
        var newer = TestRuns.Create(pingCount: 7, startedAt: TestRuns.BaseTime.AddMinutes(30));
        var refused = TestRuns.Create(pingCount: 3, startedAt: TestRuns.BaseTime.AddMinutes(-90));
        spool.Add(newer);
        spool.Add(older);
        spool.Reject(spool.Add(refused));

        var state = spool.Snapshot(TestRuns.BaseTime.AddHours(2));

        Assert.Equal(2, state.Pending);
        Assert.Equal(7200, state.OldestAgeSeconds, 3);   // the oldest waiting run, not the rejected one
        Assert.Equal(spool.List().Sum(f => new FileInfo(f).Length), state.Bytes);
        Assert.Equal(1, state.Rejected);
    }

    [Fact]
    public void Snapshot_RunStartedAfterNow_AgeIsZeroNotNegative()
    {
        var spool = new ResultSpool(_directory.File("spool"));
        spool.Add(TestRuns.Create(pingCount: 5, startedAt: TestRuns.BaseTime.AddMinutes(1)));

        Assert.Equal(0, spool.Snapshot(TestRuns.BaseTime).OldestAgeSeconds);
    }

    [Fact]
    public void Add_SameRunTwice_OneFile()
    {
        var spool = new ResultSpool(_directory.File("spool"));
        var run = TestRuns.Create(pingCount: 5);

        spool.Add(run);
        spool.Add(run);

        Assert.Single(spool.List());
    }

    [Fact]
    public void List_UnfinishedTempFile_NotListed()
    {
        var spool = new ResultSpool(_directory.File("spool"));
        spool.Add(TestRuns.Create(pingCount: 5));
        File.WriteAllText(Path.Combine(spool.Directory, ".20261121T120000-x.json.1234.tmp"), "{");

        Assert.Single(spool.List());
    }

    [Fact]
    public void Reject_File_MovedAsideAndNoLongerListed()
    {
        var spool = new ResultSpool(_directory.File("spool"));
        string path = spool.Add(TestRuns.Create(pingCount: 5));

        string moved = spool.Reject(path);

        Assert.Empty(spool.List());
        Assert.True(File.Exists(moved));
        Assert.Equal(Path.Combine(spool.Directory, "rejected", Path.GetFileName(path)), moved);
    }

    [Fact]
    public void DefaultDirectory_RtcbenchHome_SpoolBesideTheDatabase()
    {
        Assert.Equal("/data/rtc/spool", ResultSpool.DefaultDirectory("/data/rtc", "/home/u"));
        Assert.Equal("/home/u/.rtcbench/spool", ResultSpool.DefaultDirectory(null, "/home/u"));
    }

    [Theory]
    [InlineData("http://results:8090", true)]
    [InlineData("https://results.example/base", true)]
    [InlineData("sqlite:/tmp/x.db", false)]
    [InlineData("ftp://x", false)]
    public void TryParseUrl_Specs_OnlyHttpAndHttps(string spec, bool expected)
    {
        Assert.Equal(expected, ResultServiceClient.TryParseUrl(spec, out _));
    }
}
