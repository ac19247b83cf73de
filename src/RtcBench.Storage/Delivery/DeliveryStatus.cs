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

    /// <summary>Any other 4xx (invalid document, too large): the service will never take this document.</summary>
    Rejected,
}
