using Microsoft.AspNetCore.Http;
using RtcBench.Server.Aggregation;
using RtcBench.Server.Comparison;
using RtcBench.Server.Contracts;
using RtcBench.Storage;
using RtcBench.Storage.Queries;

namespace RtcBench.Server.Http;

/// <summary>
/// The read side: aggregated figures, time series, locations, latest runs and comparisons. Windows end at "now"
/// (the injected clock); runs belong to the time of their start.
/// </summary>
internal sealed class ResultEndpoints(IResultStore store, TimeProvider time, IReadOnlyList<int>? rollupGrainSeconds = null, bool groupRollupsInStore = true, bool rollupsInOnePass = true, bool allLocationsRollups = true, bool concurrentAggregation = true)
{
    public static readonly string[] Metrics = ["mean", "p50", "p95", "p99", "jitter", "loss"];

    public static readonly TimeSpan DefaultSeriesBucket = TimeSpan.FromHours(1);

    public async Task<IResult> AggregatedAsync(HttpContext context)
    {
        var request = context.Request;
        if (!QueryParameters.TryAcrossLocations(request, out bool across, out string acrossError))
        {
            return ProblemResults.BadRequest(acrossError);
        }
        var until = time.GetUtcNow();
        if (!QueryParameters.TryWindow(request, until, out var since, out string error)
            || !QueryParameters.TryBucket(request, since, until, null, out var bucket, out error)
            || !QueryParameters.TryMethod(request, out var method, out error)
            || !TryFilter(request, since, until, out var filter, out error))
        {
            return ProblemResults.BadRequest(error);
        }
        var buckets = new Buckets(since, until, bucket);
        var (groups, source) = await AggregateAsync(filter, buckets, method, across, context.RequestAborted);
        return TypedResults.Ok(new AggregatedResponse
        {
            Method = AggregationMethods.Name(method),
            MethodNote = AggregationMethods.Note(method) + source,
            Since = since,
            Until = until,
            AcrossLocations = across,
            BucketSeconds = bucket is { } b ? (long)b.TotalSeconds : null,
            Groups = groups.Select(g => new AggregateGroup
            {
                Platform = g.Key.Platform,
                Location = g.Key.Location,
                Locations = g.Locations,
                Channel = g.Key.Channel,
                BucketStart = Buckets.FromUs(g.Key.BucketStartUs),
                BucketEnd = buckets.EndOf(g.Key.BucketStartUs),
                Runs = g.Runs,
                Sent = g.Sent,
                Lost = g.Lost,
                Late = g.Late,
                Loss = g.LossRate,
                Count = g.Count,
                MeanUs = g.MeanUs,
                P50Us = g.P50Us,
                P90Us = g.P90Us,
                P95Us = g.P95Us,
                P99Us = g.P99Us,
                JitterUs = g.JitterUs,
            }).ToList(),
        });
    }

    public async Task<IResult> TimeseriesAsync(HttpContext context)
    {
        var request = context.Request;
        string? metric = QueryParameters.Text(request, "metric");
        if (metric is null || Array.IndexOf(Metrics, metric) < 0)
        {
            return ProblemResults.BadRequest(
                $"metric: {(metric is null ? "missing" : $"unknown metric '{(metric.Length > 40 ? metric[..40] : metric)}'")}; valid metrics: {string.Join(", ", Metrics)}");
        }
        if (!QueryParameters.TryAcrossLocations(request, out bool across, out string acrossError))
        {
            return ProblemResults.BadRequest(acrossError);
        }
        var until = time.GetUtcNow();
        if (!QueryParameters.TryWindow(request, until, out var since, out string error)
            || !QueryParameters.TryBucket(request, since, until, DefaultSeriesBucket, out var bucket, out error)
            || !QueryParameters.TryMethod(request, out var method, out error)
            || !TryFilter(request, since, until, out var filter, out error))
        {
            return ProblemResults.BadRequest(error);
        }
        var buckets = new Buckets(since, until, bucket);
        var (groups, source) = await AggregateAsync(filter, buckets, method, across, context.RequestAborted);
        var series = groups
            .GroupBy(g => (g.Key.Platform, g.Key.Location, g.Key.Channel))
            .Select(s => new Series
            {
                Platform = s.Key.Platform,
                Location = s.Key.Location,
                Locations = across ? Aggregator.Locations(s.SelectMany(g => g.Locations!)) : null,
                Channel = s.Key.Channel,
                Points = s.Select(g => new SeriesPoint
                {
                    T = Buckets.FromUs(g.Key.BucketStartUs),
                    Value = Value(g, metric),
                    Runs = g.Runs,
                    Count = metric == "loss" ? g.Sent : g.Count,
                }).ToList(),
            })
            .ToList();
        return TypedResults.Ok(new TimeseriesResponse
        {
            Metric = metric,
            Unit = metric == "loss" ? "ratio" : "us",
            Method = AggregationMethods.Name(method),
            MethodNote = AggregationMethods.Note(method) + source,
            Since = since,
            Until = until,
            AcrossLocations = across,
            BucketSeconds = (long)bucket!.Value.TotalSeconds,
            Series = series,
        });
    }

    /// <summary>The merged RTT histogram per platform × location × channel over the window (for CDFs).</summary>
    public async Task<IResult> DistributionAsync(HttpContext context)
    {
        if (!QueryParameters.TryAcrossLocations(context.Request, out bool across, out string acrossError))
        {
            return ProblemResults.BadRequest(acrossError);
        }
        var until = time.GetUtcNow();
        if (!QueryParameters.TryWindow(context.Request, until, out var since, out string error)
            || !TryFilter(context.Request, since, until, out var filter, out error))
        {
            return ProblemResults.BadRequest(error);
        }
        // Whole weeks, days and hours from the rollups (their merged histograms are the runs' histograms merged), the
        // partial hours at the window's edges from the runs.
        var plan = SourcePlan.Plan(since, until, null, rollupGrainSeconds);
        var grouping = groupRollupsInStore ? new RollupGrouping { AcrossLocations = across, PerLocationRows = !allLocationsRollups } : null;
        var (runs, rollups, used) = await SourcePlan.ReadAsync(store, filter, plan, grouping, context.RequestAborted, rollupsInOnePass, concurrentAggregation);
        return TypedResults.Ok(new DistributionResponse
        {
            MethodNote = Distributions.Note + SourcePlan.Describe(used, SourcePlan.ReadsAllLocationsRows(filter, grouping)),
            Since = since,
            Until = until,
            AcrossLocations = across,
            RelativeAccuracy = Core.Histograms.LogHistogram.RelativeAccuracy,
            Groups = Distributions.Merge(runs, rollups, across),
        });
    }

    public async Task<IResult> LocationsAsync(HttpContext context) =>
        TypedResults.Ok(new LocationsResponse { Locations = await store.ListLocationsAsync(context.RequestAborted) });

    public async Task<IResult> LatestAsync(HttpContext context)
    {
        if (!QueryParameters.TryChannel(context.Request, out string? channel, out string error))
        {
            return ProblemResults.BadRequest(error);
        }
        return TypedResults.Ok(new LatestResponse { Runs = await store.GetLatestRunsAsync(channel, context.RequestAborted) });
    }

    public async Task<IResult> CompareAsync(HttpContext context)
    {
        var request = context.Request;
        string? a = QueryParameters.Text(request, "a");
        string? b = QueryParameters.Text(request, "b");
        if (a is null || b is null)
        {
            return ProblemResults.BadRequest($"{(a is null ? "a" : "b")}: missing; name two platforms, e.g. ?a=udp&b=janus");
        }
        var until = time.GetUtcNow();
        if (!QueryParameters.TryPlatform(request, "a", out a, out string error)
            || !QueryParameters.TryPlatform(request, "b", out b, out error)
            || !QueryParameters.TryWindow(request, until, out var since, out error)
            || !QueryParameters.TryLocation(request, out string? location, out error)
            || !QueryParameters.TryChannel(request, out string? channel, out error))
        {
            return ProblemResults.BadRequest(error);
        }
        if (a == b)
        {
            return ProblemResults.BadRequest($"b: the same platform as a ({a}); name two different platforms");
        }
        var filter = new AggregateFilter { Location = location, Channel = channel, Since = since, Until = until };
        var runsA = await store.QueryOkPingsAsync(filter with { Platform = a }, context.RequestAborted);
        var runsB = await store.QueryOkPingsAsync(filter with { Platform = b }, context.RequestAborted);
        return TypedResults.Ok(Comparer.Compare(a!, runsA, b!, runsB, location, channel, since, until));
    }

    /// <summary>The groups, and for method_note which tables answered (pooled pings always read the runs' pings).</summary>
    private async Task<(IReadOnlyList<GroupFigures> Groups, string Source)> AggregateAsync(
        AggregateFilter filter, Buckets buckets, AggregationMethod method, bool acrossLocations, CancellationToken ct)
    {
        if (method == AggregationMethod.PooledPings)
        {
            return (Aggregator.FromPings(await store.QueryOkPingsAsync(filter, ct), buckets, acrossLocations),
                " Source: the ok pings of the runs.");
        }
        var plan = SourcePlan.Plan(buckets.Since, buckets.Until, buckets.Size, rollupGrainSeconds);
        var grouping = groupRollupsInStore
            ? new RollupGrouping { BucketSizeUs = buckets.Size is { } size ? size.Ticks / 10 : null, AcrossLocations = acrossLocations, PerLocationRows = !allLocationsRollups }
            : null;
        var (runs, rollups, used) = await SourcePlan.ReadAsync(store, filter, plan, grouping, ct, rollupsInOnePass, concurrentAggregation);
        return (Aggregator.FromHistograms(runs, rollups, buckets, acrossLocations, concurrentAggregation), SourcePlan.Describe(used, SourcePlan.ReadsAllLocationsRows(filter, grouping)));
    }

    private static bool TryFilter(HttpRequest request, DateTimeOffset since, DateTimeOffset until, out AggregateFilter filter, out string error)
    {
        bool ok = QueryParameters.TryFilters(request, out string? platform, out string? location, out string? channel, out error);
        filter = new AggregateFilter { Platform = platform, Location = location, Channel = channel, Since = since, Until = until };
        return ok;
    }

    private static double? Value(GroupFigures g, string metric) => metric switch
    {
        "mean" => g.MeanUs,
        "p50" => g.P50Us,
        "p95" => g.P95Us,
        "p99" => g.P99Us,
        "jitter" => g.JitterUs,
        "loss" => g.LossRate,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
    };
}
