using System.Text.Json.Nodes;
using RtcBench.Storage.Validation;
using static RtcBench.Storage.Tests.Validation.DocumentMutation;

namespace RtcBench.Storage.Tests.Validation;

/// <summary>Identity, place, times, outcome, configuration and path: refused with the field named.</summary>
public sealed class DocumentRulesTests
{
    [Theory]
    [InlineData("platform", "\"teams\"", "platform: unknown platform 'teams'; known: udp, direct, janus, livekit, daily")]
    [InlineData("platform", "\"UDP\"", "platform: unknown platform 'UDP'")]
    [InlineData("channel", "\"sideways\"", "channel: unknown channel 'sideways'; expected reliable or lossy")]
    [InlineData("run_id", "\"ABC\"", "run_id: 'ABC' is not 32 lower-case hex digits")]
    [InlineData("schema", "\"rtcbench.run/9\"", "schema: unsupported schema 'rtcbench.run/9'")]
    [InlineData("tool_version", "\"\"", "tool_version: empty")]
    [InlineData("location", "\"\"", "location: empty; leave the field out instead")]
    [InlineData("location", "\"eu\\u0000west\"", "location: contains the control character U+0000")]
    [InlineData("latitude", "1000", "latitude: 1000 is outside -90..90")]
    [InlineData("latitude", "-90.5", "latitude: -90.5 is outside -90..90")]
    [InlineData("longitude", "180.01", "longitude: 180.01 is outside -180..180")]
    [InlineData("started_at", "\"9999-01-01T00:00:00+00:00\"", "started_at: 9999-01-01T00:00:00.000000Z is in the future (the service's clock says 2026-11-21T16:00:00.000000Z; 5 minutes of clock skew are allowed)")]
    [InlineData("started_at", "\"2026-11-21T16:06:00+00:00\"", "started_at: 2026-11-21T16:06:00.000000Z is in the future")]
    [InlineData("started_at", "\"2020-01-01T00:00:00+00:00\"", "started_at: 2020-01-01T00:00:00.000000Z is before RtcBench existed (2026-11-01T00:00:00.000000Z)")]
    [InlineData("ended_at", "\"2026-11-21T09:59:59+00:00\"", "ended_at: 2026-11-21T09:59:59.000000Z is before started_at (2026-11-21T10:00:00.000000Z)")]
    [InlineData("ended_at", "\"2026-11-21T17:00:00+00:00\"", "ended_at: 2026-11-21T17:00:00.000000Z is in the future")]
    [InlineData("outcome.status", "\"great\"", "outcome.status: unknown status 'great'; expected ok, partial, failed")]
    [InlineData("config.count", "0", "config.count: 0 is outside 1..10000000")]
    [InlineData("config.interval_ms", "0", "config.interval_ms: 0 is not above 0")]
    [InlineData("config.deadline_ms", "-1", "config.deadline_ms: -1 is not above 0")]
    [InlineData("config.payload_bytes", "100000", "config.payload_bytes: 100000 is outside 0..16384")]
    [InlineData("config.schedule", "\"bursty\"", "config.schedule: unknown schedule 'bursty'")]
    [InlineData("path.setup_ms", "-3", "path.setup_ms: -3 is negative or longer than a day")]
    public void Validate_BadField_NamesIt(string path, string json, string expected)
    {
        var run = RunnerDocuments.Create([10, 11, 12]) with { Latitude = 53.3, Longitude = -6.3 };

        string? problem = Validate(Set(run, path, JsonNode.Parse(json)));

        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LatitudeWithoutLongitude_NamesTheMissingOne()
    {
        var run = RunnerDocuments.Create([10]) with { Latitude = 10 };

        Assert.StartsWith("longitude: missing", Validate(run), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_StartWithinClockSkew_Accepted()
    {
        var run = RunnerDocuments.Create([10, 11], startedAt: Now.AddMinutes(4));

        Assert.Null(Validate(run));
    }

    [Fact]
    public void KnownPlatforms_ListEveryPlatformOfTheDesign()
    {
        Assert.Equal(["udp", "direct", "janus", "livekit", "daily"], KnownValues.Platforms);
        Assert.Equal(["ok", "lost", "late", "warmup", "not_sent"], KnownValues.PingStatuses.Take(5));
    }
}
