namespace RtcBench.Janus.Plugins.VideoRoom;

/// <summary>A publisher in a VideoRoom as the <c>publishers</c> lists show it: its feed id, display name, and the mids of its data streams.</summary>
public sealed record VideoRoomPublisher(long Id, string? Display, IReadOnlyList<string> DataMids)
{
    public bool PublishesData => DataMids.Count > 0;
}
