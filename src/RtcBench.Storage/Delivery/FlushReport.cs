namespace RtcBench.Storage.Delivery;

/// <summary>What <see cref="ResultDelivery.FlushAsync"/> did: runs delivered, rejected (moved aside), still waiting, and the failure that stopped it.</summary>
public sealed record FlushReport(int Delivered, int Rejected, int Remaining, DeliveryResult? StoppedBy);
