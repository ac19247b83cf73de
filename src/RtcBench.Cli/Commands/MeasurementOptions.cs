using System.CommandLine;
using System.CommandLine.Parsing;
using RtcBench.Cli.Parsing;
using RtcBench.Cli.Thresholds;
using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;

namespace RtcBench.Cli.Commands;

/// <summary>The measurement and output options shared by <c>run</c> and <c>quickstart</c>.</summary>
internal sealed class MeasurementOptions
{
    // The ranges are the ones RunConfig.Validate enforces (a test checks both ends agree).
    public Option<int> Count { get; } = CliOption.Int("--count", "Measured pings per run, 1 to 10000000 (warm-up pings come on top).", 200, 1, 10_000_000);

    public Option<string> Interval { get; } = CliOption.Duration("--interval", "Mean time between pings (open loop), 1ms to 10m.", "100ms", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10));

    public Option<int?> Warmup { get; } = CliOption.OptionalInt("--warmup", "Warm-up pings sent first and excluded from statistics; they also get the code of the ping path and of the runner's and agent's periodic work compiled before measuring, 0 to 100000 (default: the pings of the first second, at least 10: 10 at --interval 100ms, 100 at 10ms; the number used is recorded in the result).", 0, 100_000);

    public Option<string> Deadline { get; } = CliOption.Duration("--deadline", "Per-ping deadline: a later pong is 'late', none at all is 'lost'; 1ms to 5m.", "5s", TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(5));

    public Option<int> PayloadBytes { get; } = CliOption.Int("--payload-bytes", $"Size of each ping message in bytes (0 to {PingCodec.MaxPayloadBytes}): the JSON is padded to exactly this size (its fields alone take about 90 bytes, so smaller values send unpadded pings).", 128, 0, PingCodec.MaxPayloadBytes, "bytes");

    public Option<string> Schedule { get; } = CliOption.Choice("--schedule", "Send schedule: fixed or poisson (exponential gaps with the same mean).", "fixed", "fixed", "poisson");

    public Option<string> Channel { get; } = CliOption.Choice("--channel", "Channel(s) to measure on platforms that offer several (direct, livekit): reliable, lossy or both. udp has only lossy.", "both", "reliable", "lossy", "both");

    public Option<int?> Seed { get; } = CliOption.OptionalInt("--seed", "Seed for the poisson schedule (default: random, recorded in the result).", int.MinValue, int.MaxValue);

    public Option<string?> Location { get; } = CliOption.Text("--location", "Where this runner is (e.g. a cloud region id, at most 128 characters); default $RTCBENCH_LOCATION.", 128, "id");

    public Option<double?> Latitude { get; } = CliOption.OptionalDouble("--lat", "Runner latitude, -90 to 90, for the map (optional; give --lon too).", -90, 90, "a latitude");

    public Option<double?> Longitude { get; } = CliOption.OptionalDouble("--lon", "Runner longitude, -180 to 180, for the map (optional; give --lat too).", -180, 180, "a longitude");

    public Option<FileInfo?> Output { get; } = CliOption.File("--output", "Write the result document (JSON) to this file; an array when there are several runs.");

    public Option<string?> Store { get; } = new("--store") { HelpName = "spec", Description = StoreHelp.RunText };

    public Option<string?> StoreToken { get; } = new("--store-token") { HelpName = "token", Description = $"Ingest token for an http(s) --store (prefer ${DeliveryHelp.TokenVariable}: command lines are visible to other users)." };

    public Option<bool> NoStore { get; } = new("--no-store") { Description = "Do not store the results anywhere." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print only the result document(s) on stdout (one JSON document per line); logs go to stderr." };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress on stderr." };

    public Option<string[]> Threshold { get; } = ThresholdOption.Create();

    public Option<string?> LogFormat { get; } = AgentCommand.LogFormatOption(
        "Progress and messages on stderr as text or json (one JSON event object per line, no terminal redraw); default $RTCBENCH_LOG_FORMAT, else text.");

    /// <summary>
    /// The stderr event log the command's --log-format (or $RTCBENCH_LOG_FORMAT) asks for; the value was checked by
    /// <see cref="RunExecution.Validate"/>.
    /// </summary>
    public Output.EventLog CreateEvents(ParseResult parse, CliContext ctx)
    {
        Hosting.ConsoleLogging.TryResolveFormat(parse.GetValue(LogFormat), ctx.GetEnvironment(Hosting.ConsoleLogging.FormatVariable), out bool json, out _);
        return new Output.EventLog(ctx.Error, "rtcbench", "RtcBench.Run", json);
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Count, Interval, Warmup, Deadline, PayloadBytes, Schedule, Channel, Seed, Location, Latitude, Longitude, Output, Store, StoreToken, NoStore, Json, Quiet, Threshold, LogFormat })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Builds the run configuration; lists every invalid value.</summary>
    public RunConfig ToConfig(ParseResult parse, out IReadOnlyList<string> errors)
    {
        bool poisson = parse.GetValue(Schedule) == "poisson";
        var interval = ParseDuration(parse.GetValue(Interval));
        var config = new RunConfig
        {
            Count = parse.GetValue(Count),
            Interval = interval,
            Warmup = parse.GetValue(Warmup) ?? RunConfig.DefaultWarmupFor(interval),
            Deadline = ParseDuration(parse.GetValue(Deadline)),
            PayloadBytes = parse.GetValue(PayloadBytes),
            Schedule = poisson ? ScheduleKind.Poisson : ScheduleKind.Fixed,
            Seed = parse.GetValue(Seed) ?? (poisson ? Random.Shared.Next() : 0),
        };
        // Backstop: the options' own ranges make these unreachable; Validate names each field as its option.
        var list = config.Validate().Select(e => "--" + e).ToList();
        if ((parse.GetValue(Latitude) is null) != (parse.GetValue(Longitude) is null))
        {
            list.Add("--lat and --lon: give both, or neither");
        }
        errors = list;
        return config;
    }

    /// <summary>The --threshold rules (validated at parse time: an invalid one never gets here).</summary>
    public IReadOnlyList<Threshold> ToThresholds(ParseResult parse) => ThresholdOption.Parse(parse.GetValue(Threshold));

    /// <summary>The channels to measure: null for both.</summary>
    public IReadOnlyList<string>? ToChannels(ParseResult parse) => parse.GetValue(Channel) switch
    {
        "reliable" => ["reliable"],
        "lossy" => ["lossy"],
        _ => null,
    };

    /// <summary>Values were validated at parse time (see <see cref="CliOption.Duration"/>).</summary>
    private static TimeSpan ParseDuration(string? text) => DurationParser.TryParse(text, out var value, out _) ? value : TimeSpan.Zero;
}
