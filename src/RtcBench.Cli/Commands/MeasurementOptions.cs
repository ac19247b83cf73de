using System.CommandLine;
using System.CommandLine.Parsing;
using RtcBench.Cli.Parsing;
using RtcBench.Core.Measurement;

namespace RtcBench.Cli.Commands;

/// <summary>The measurement and output options shared by <c>run</c> and <c>quickstart</c>.</summary>
internal sealed class MeasurementOptions
{
    public Option<int> Count { get; } = new("--count") { Description = "Measured pings per run (warm-up pings come on top).", DefaultValueFactory = _ => 200 };

    public Option<string> Interval { get; } = Duration("--interval", "Mean time between pings (open loop).", "100ms");

    public Option<int> Warmup { get; } = new("--warmup") { Description = "Warm-up pings sent first and excluded from statistics.", DefaultValueFactory = _ => 10 };

    public Option<string> Deadline { get; } = Duration("--deadline", "Per-ping deadline: a later pong is 'late', none at all is 'lost'.", "5s");

    public Option<int> PayloadBytes { get; } = new("--payload-bytes") { HelpName = "bytes", Description = "Size of each ping message in bytes: the JSON is padded to exactly this size (its fields alone take about 90 bytes, so smaller values send unpadded pings).", DefaultValueFactory = _ => 128 };

    public Option<string> Schedule { get; } = new Option<string>("--schedule") { Description = "Send schedule: fixed or poisson (exponential gaps with the same mean).", DefaultValueFactory = _ => "fixed" }
        .AcceptOnlyFromAmong("fixed", "poisson");

    public Option<string> Channel { get; } = new Option<string>("--channel") { Description = "Channel(s) to measure on platforms that offer several (direct, livekit): reliable, lossy or both. udp has only lossy.", DefaultValueFactory = _ => "both" }
        .AcceptOnlyFromAmong("reliable", "lossy", "both");

    public Option<int?> Seed { get; } = new("--seed") { Description = "Seed for the poisson schedule (default: random, recorded in the result)." };

    public Option<string?> Location { get; } = new("--location") { HelpName = "id", Description = "Where this runner is (e.g. a cloud region id); default $RTCBENCH_LOCATION." };

    public Option<double?> Latitude { get; } = new("--lat") { Description = "Runner latitude, for the map (optional)." };

    public Option<double?> Longitude { get; } = new("--lon") { Description = "Runner longitude, for the map (optional)." };

    public Option<FileInfo?> Output { get; } = new("--output") { HelpName = "file", Description = "Write the result document (JSON) to this file; an array when there are several runs." };

    public Option<string?> Store { get; } = new("--store") { HelpName = "spec", Description = StoreHelp.RunText };

    public Option<string?> StoreToken { get; } = new("--store-token") { HelpName = "token", Description = $"Ingest token for an http(s) --store (prefer ${DeliveryHelp.TokenVariable}: command lines are visible to other users)." };

    public Option<bool> NoStore { get; } = new("--no-store") { Description = "Do not store the results anywhere." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print only the result document(s) on stdout (one JSON document per line); logs go to stderr." };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress on stderr." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Count, Interval, Warmup, Deadline, PayloadBytes, Schedule, Channel, Seed, Location, Latitude, Longitude, Output, Store, StoreToken, NoStore, Json, Quiet })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds the run configuration; lists every invalid value.</summary>
    public RunConfig ToConfig(ParseResult parse, out IReadOnlyList<string> errors)
    {
        bool poisson = parse.GetValue(Schedule) == "poisson";
        var config = new RunConfig
        {
            Count = parse.GetValue(Count),
            Interval = ParseDuration(parse.GetValue(Interval)),
            Warmup = parse.GetValue(Warmup),
            Deadline = ParseDuration(parse.GetValue(Deadline)),
            PayloadBytes = parse.GetValue(PayloadBytes),
            Schedule = poisson ? ScheduleKind.Poisson : ScheduleKind.Fixed,
            Seed = parse.GetValue(Seed) ?? (poisson ? Random.Shared.Next() : 0),
        };
        var list = config.Validate().ToList();
        var lat = parse.GetValue(Latitude);
        var lon = parse.GetValue(Longitude);
        if (lat is < -90 or > 90)
        {
            list.Add($"lat must be between -90 and 90 (got {lat}).");
        }
        if (lon is < -180 or > 180)
        {
            list.Add($"lon must be between -180 and 180 (got {lon}).");
        }
        if ((lat is null) != (lon is null))
        {
            list.Add("give both --lat and --lon, or neither.");
        }
        errors = list;
        return config;
    }

    /// <summary>The channels to measure: null for both.</summary>
    public IReadOnlyList<string>? ToChannels(ParseResult parse) => parse.GetValue(Channel) switch
    {
        "reliable" => ["reliable"],
        "lossy" => ["lossy"],
        _ => null,
    };

    /// <summary>Values were validated at parse time (see <see cref="Duration"/>).</summary>
    private static TimeSpan ParseDuration(string? text) => DurationParser.TryParse(text, out var value, out _) ? value : TimeSpan.Zero;

    /// <summary>A duration option written with a unit (250us, 100ms, 5s, 2m, 1h), checked when the line is parsed.</summary>
    public static Option<string> Duration(string name, string description, string defaultValue)
    {
        var option = new Option<string>(name)
        {
            Description = description + " Units: us, ms, s, m, h.",
            HelpName = "duration",
            DefaultValueFactory = _ => defaultValue,
        };
        option.Validators.Add(result =>
        {
            string? text = result.Tokens.Count > 0 ? result.Tokens[0].Value : defaultValue;
            if (!DurationParser.TryParse(text, out _, out string error))
            {
                result.AddError($"{name}: {error}");
            }
        });
        return option;
    }
}
