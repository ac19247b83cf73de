namespace RtcBench.Storage.Delivery;

/// <summary>The outcome of sending one document, with a human-readable reason (never the token).</summary>
public sealed record DeliveryResult(DeliveryStatus Status, string Detail);
