namespace RtcBench.Storage.Delivery;

/// <summary>
/// What <see cref="ResultDelivery.FlushAsync"/> did: runs delivered, rejected (moved aside, each with the service's
/// reason in <see cref="Rejections"/>), still waiting, and the failure that stopped it.
/// </summary>
public sealed record FlushReport(int Delivered, int Rejected, int Remaining, DeliveryResult? StoppedBy)
{
    /// <summary>For each rejected run: where its document now lies and why the service refused it.</summary>
    public IReadOnlyList<(string File, string Detail)> Rejections { get; init; } = [];
}
