using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RtcBench.Core.Results;
using RtcBench.Server.Contracts;
using RtcBench.Server.Events;
using RtcBench.Server.Http;
using RtcBench.Storage;
using RtcBench.Storage.Validation;

namespace RtcBench.Server.Ingest;

/// <summary>
/// <c>POST /api/runs</c>: reads one result document (at most the body limit), validates it, stores it. Idempotent by
/// run id: the first post answers 201 Created with a Location, every repeat of the same run (the same canonical
/// document, <see cref="RunIdentity"/>) 200 with the same body and nothing changed, a different run under a stored id
/// 409; only the first tells the listeners of <c>GET /api/events</c>. A store that cannot be reached answers 503 with
/// Retry-After (<see cref="StoreUnavailableAnswer"/>: nothing stored; the runner spools and retries).
/// </summary>
internal sealed class IngestEndpoint(IResultStore store, int maxBodyBytes, RunEventHub events, TimeProvider time, ILogger logger)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var ct = context.RequestAborted;
        if (request.ContentLength > maxBodyBytes)
        {
            return await TooLargeAsync(request, ct).ConfigureAwait(false);
        }
        if (!request.HasJsonContentType())
        {
            string got = string.IsNullOrEmpty(request.ContentType) ? "no content type" : $"'{request.ContentType}'";
            return Results.Problem(
                detail: $"the request body must be a JSON result document (Content-Type: application/json); got {got}",
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported Media Type");
        }
        var (body, length) = await ReadBodyAsync(request, ct).ConfigureAwait(false);
        if (body is null)
        {
            return await TooLargeAsync(request, ct).ConfigureAwait(false);
        }
        RunResult? run;
        try
        {
            if (JsonPrecheck.Check(body.AsSpan(0, length)) is { } malformed)
            {
                return ProblemResults.BadRequest(malformed);
            }
            run = JsonSerializer.Deserialize<RunResult>(body.AsSpan(0, length), ResultJson.Options);
        }
        catch (JsonException e)
        {
            return ProblemResults.BadRequest(JsonShapeProblem.Describe(e));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
        if (run is null)
        {
            return ProblemResults.BadRequest("the body is JSON null, not a result document");
        }
        if (RunDocumentValidator.Validate(run, time.GetUtcNow()) is { } problem)
        {
            return ProblemResults.BadRequest(problem);
        }
        SaveOutcome outcome;
        try
        {
            outcome = await store.SaveRunAsync(run, ct).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // A store's own refusal (it cannot keep the run faithfully); a store that cannot be reached throws
            // further, to StoreUnavailableAnswer (503).
            return ProblemResults.BadRequest(e.Message);
        }
        string location = "/api/runs/" + run.RunId;
        var answer = new IngestResponse { RunId = run.RunId, Url = location };
        if (outcome == SaveOutcome.Inserted)
        {
            ServerLog.RunStored(logger, run.RunId, run.Platform, run.Location ?? "-", run.Pings.Count);
            events.PublishRunStored(run);   // after the commit: a listener that reads the API at once sees the run
            return TypedResults.Created(location, answer);
        }
        // The id is taken: the same run posted again (a retry) is 200, a different run under that id is 409.
        var stored = await store.GetRunAsync(run.RunId, includePings: true, ct).ConfigureAwait(false);
        // Ping retention may have deleted the stored run's pings: then the rest of the document decides.
        bool pruned = stored is not null && await store.GetPingsPrunedAtAsync(run.RunId, ct).ConfigureAwait(false) is not null;
        string? difference = stored is null ? "the document" : RunIdentity.FirstDifference(stored, pruned ? run with { Pings = [] } : run);
        if (difference is not null)
        {
            ServerLog.RunConflict(logger, run.RunId, difference);
            return ProblemResults.Conflict(
                $"run_id: run {run.RunId} is already stored with different content (first difference: {difference}); "
                + "a run id names one run: post the stored document again, or give a new run a new id");
        }
        ServerLog.RunAlreadyStored(logger, run.RunId);
        return TypedResults.Ok(answer);
    }

    /// <summary>
    /// 413, after reading and discarding the rest of the body (up to Kestrel's hard limit, <see
    /// cref="ServerOptions.HardBodyLimit"/>): a client that sends its whole body before reading the answer (most do)
    /// then sees the 413 instead of a broken pipe. Beyond the hard limit Kestrel closes the connection.
    /// </summary>
    private async Task<IResult> TooLargeAsync(HttpRequest request, CancellationToken ct)
    {
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await request.Body.ReadAsync(scratch, ct).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the hard limit: the connection will be closed after the answer.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
        return ProblemResults.TooLarge(maxBodyBytes);
    }

    /// <summary>The body in a pooled buffer (caller returns it), or null when it exceeds the limit.</summary>
    private async Task<(byte[]? Body, int Length)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        int capacity = (int)Math.Min(request.ContentLength ?? 64 * 1024, maxBodyBytes) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        int total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > maxBodyBytes)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return (null, 0);
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBodyBytes + 1));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int n = await request.Body.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                total += n;
                if (total > maxBodyBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, 0);
                }
            }
            return (buffer, total);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
