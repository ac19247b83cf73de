using Microsoft.AspNetCore.Http;
using RtcBench.Core.Results;
using RtcBench.Server.Contracts;
using RtcBench.Storage;

namespace RtcBench.Server.Http;

/// <summary>
/// GET /api/runs (paged; filtered by platform, location, channel, outcome and a [since, until) range on the start
/// time) and GET /api/runs/{id} (the stored result document, with pings).
/// </summary>
internal sealed class RunEndpoints(IResultStore store)
{
    public async Task<IResult> ListAsync(HttpContext context)
    {
        var request = context.Request;
        if (!QueryParameters.TryInt(request, "limit", RunQuery.DefaultLimit, 1, RunQuery.MaxLimit, out int limit, out string error)
            || !QueryParameters.TryInt(request, "offset", 0, 0, int.MaxValue, out int offset, out error)
            || !QueryParameters.TryTime(request, "since", out var since, out error)
            || !QueryParameters.TryTime(request, "until", out var until, out error)
            || !QueryParameters.TryOutcome(request, out string? outcome, out error)
            || !QueryParameters.TryFilters(request, out string? platform, out string? location, out string? channel, out error))
        {
            return ProblemResults.BadRequest(error);
        }
        if (since is { } from && until is { } to && from >= to)
        {
            return ProblemResults.BadRequest(
                $"until: {to:O} is not after since ({from:O}); the range is [since, until) on the run's start time");
        }
        var query = new RunQuery
        {
            Platform = platform,
            Location = location,
            Channel = channel,
            Outcome = outcome,
            Since = since,
            Until = until,
            Limit = limit,
            Offset = offset,
        };
        var page = await store.ListRunsAsync(query, context.RequestAborted);
        return TypedResults.Ok(new RunListResponse { Items = page.Items, Total = page.Total, Limit = limit, Offset = offset });
    }

    /// <summary>Response header of GET /api/runs/{id} when ping retention deleted the run's pings: when (ISO 8601).</summary>
    public const string PingsPrunedHeader = "RtcBench-Pings-Pruned-At";

    public async Task<IResult> GetAsync(HttpContext context, string id)
    {
        var run = await store.GetRunAsync(id, includePings: true, context.RequestAborted);
        if (run is null)
        {
            return ProblemResults.NotFound($"no run with id '{(id.Length > 40 ? id[..40] : id)}'");
        }
        if (await store.GetPingsPrunedAtAsync(run.RunId, context.RequestAborted) is { } pruned)
        {
            // Ping retention deleted the raw pings ("pings": []); statistics and histogram are the runner's.
            context.Response.Headers[PingsPrunedHeader] = pruned.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }
        // The document exactly as the runner wrote it (ResultJson), not the API's DTO options.
        return TypedResults.Json(run, ResultJson.Options);
    }
}
