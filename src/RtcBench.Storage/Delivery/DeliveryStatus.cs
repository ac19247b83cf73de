namespace RtcBench.Storage.Delivery;

/// <summary>What happened to one document sent to a results service.</summary>
public enum DeliveryStatus
{
    /// <summary>2xx: stored now, or already stored before (ingest is idempotent by run id).</summary>
    Delivered,

    /// <summary>Network failure, timeout, 5xx, 408 or 429: the service may take it later.</summary>
    Unavailable,

    /// <summary>401/403: the token is missing or wrong; retrying without fixing it cannot help.</summary>
    Unauthorized,

    /// <summary>
    /// Any other 4xx: an invalid document (400), too large (413), not JSON (415), or a different run already stored
    /// under its id (409). The service will never take this document: it is set aside, never re-sent.
    /// </summary>
    Rejected,
}
