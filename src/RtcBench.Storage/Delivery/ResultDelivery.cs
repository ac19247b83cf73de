using RtcBench.Core.Results;

namespace RtcBench.Storage.Delivery;

/// <summary>
/// Delivers runs to a results service without losing or duplicating any (DESIGN §5): a run that cannot be delivered
/// now is spooled to disk; <see cref="FlushAsync"/> re-sends the spool oldest first and deletes a file only after a
/// 2xx. A crash between the service's 2xx and the delete re-sends a run the service already has, which ingest
/// (idempotent by run id) answers 200 without storing it twice.
/// </summary>
public sealed class ResultDelivery(ResultServiceClient client, ResultSpool spool)
{
    public ResultSpool Spool => spool;

    /// <summary>
    /// Sends one run; on any failure spools it: for a later retry, or (Rejected: the service will never take it) in
    /// <c>rejected/</c> for inspection, never re-sent. The returned status says which.
    /// </summary>
    public async Task<DeliveryResult> DeliverAsync(RunResult run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var result = await client.PostAsync(ResultJson.Serialize(run, indented: false), cancellationToken).ConfigureAwait(false);
        if (result.Status == DeliveryStatus.Rejected)
        {
            spool.Reject(spool.Add(run));
        }
        else if (result.Status != DeliveryStatus.Delivered)
        {
            spool.Add(run);
        }
        return result;
    }

    /// <summary>
    /// Re-sends every spooled run, oldest first. Stops at the first Unavailable or Unauthorized answer (the rest
    /// would fail the same way); a document the service rejects (invalid, or a different run under its id: 409) moves
    /// to <c>rejected/</c> and is never re-sent.
    /// </summary>
    public async Task<FlushReport> FlushAsync(CancellationToken cancellationToken)
    {
        int delivered = 0;
        var rejections = new List<(string File, string Detail)>();
        var files = spool.List();
        DeliveryResult? stoppedBy = null;
        foreach (string file in files)
        {
            string json = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            var result = await client.PostAsync(json, cancellationToken).ConfigureAwait(false);
            switch (result.Status)
            {
                case DeliveryStatus.Delivered:
                    ResultSpool.Remove(file);
                    delivered++;
                    continue;
                case DeliveryStatus.Rejected:
                    rejections.Add((spool.Reject(file), result.Detail));
                    continue;
                default:
                    stoppedBy = result;
                    break;
            }
            break;
        }
        return new FlushReport(delivered, rejections.Count, spool.List().Count, stoppedBy) { Rejections = rejections };
    }
}
