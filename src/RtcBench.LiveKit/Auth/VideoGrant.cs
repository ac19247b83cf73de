using System.Text.Json.Serialization;

namespace RtcBench.LiveKit.Auth;

/// <summary>
/// The <c>video</c> claim of a LiveKit access token (PROTOCOLS.md §2 A4; LiveKit's <c>auth/grants.go</c>). JSON keys
/// are LiveKit's exactly. As in LiveKit, the room permissions are plain flags written only when true, and the
/// participant permissions (<see cref="CanPublish"/>, <see cref="CanSubscribe"/>, <see cref="CanPublishData"/>,
/// <see cref="CanUpdateOwnMetadata"/>) are nullable and written only when set: when none of canPublish, canSubscribe
/// and canPublishData is set the server grants all three.
/// </summary>
public sealed record VideoGrant
{
    /// <summary>May create and delete rooms (CreateRoom, DeleteRoom).</summary>
    [JsonPropertyName("roomCreate")]
    public bool RoomCreate { get; init; }

    /// <summary>May list rooms (ListRooms).</summary>
    [JsonPropertyName("roomList")]
    public bool RoomList { get; init; }

    /// <summary>May start recordings.</summary>
    [JsonPropertyName("roomRecord")]
    public bool RoomRecord { get; init; }

    /// <summary>May administer <see cref="Room"/> (ListParticipants, RemoveParticipant, SendData, dispatch).</summary>
    [JsonPropertyName("roomAdmin")]
    public bool RoomAdmin { get; init; }

    /// <summary>May join <see cref="Room"/> as a participant over /rtc.</summary>
    [JsonPropertyName("roomJoin")]
    public bool RoomJoin { get; init; }

    /// <summary>The room the join or admin permission is for.</summary>
    [JsonPropertyName("room")]
    public string? Room { get; init; }

    [JsonPropertyName("canPublish")]
    public bool? CanPublish { get; init; }

    [JsonPropertyName("canSubscribe")]
    public bool? CanSubscribe { get; init; }

    [JsonPropertyName("canPublishData")]
    public bool? CanPublishData { get; init; }

    /// <summary>Track sources the participant may publish: "camera", "microphone", "screen_share", "screen_share_audio".</summary>
    [JsonPropertyName("canPublishSources")]
    public IReadOnlyList<string>? CanPublishSources { get; init; }

    [JsonPropertyName("canUpdateOwnMetadata")]
    public bool? CanUpdateOwnMetadata { get; init; }

    [JsonPropertyName("ingressAdmin")]
    public bool IngressAdmin { get; init; }

    /// <summary>The participant is invisible to the others in the room.</summary>
    [JsonPropertyName("hidden")]
    public bool Hidden { get; init; }

    [JsonPropertyName("recorder")]
    public bool Recorder { get; init; }

    /// <summary>May register as an agent worker on /agent.</summary>
    [JsonPropertyName("agent")]
    public bool Agent { get; init; }

    [JsonPropertyName("canSubscribeMetrics")]
    public bool CanSubscribeMetrics { get; init; }

    [JsonPropertyName("canManageAgentSession")]
    public bool CanManageAgentSession { get; init; }

    [JsonPropertyName("destinationRoom")]
    public string? DestinationRoom { get; init; }

    /// <summary>Whether this grant lets the bearer administer <paramref name="room"/> (roomAdmin for that room).</summary>
    public bool AllowsAdmin(string room) => RoomAdmin && string.Equals(Room, room, StringComparison.Ordinal);

    /// <summary>Whether this grant lets the bearer join <paramref name="room"/> (roomJoin for that room).</summary>
    public bool AllowsJoin(string room) => RoomJoin && string.Equals(Room, room, StringComparison.Ordinal);

    public bool Equals(VideoGrant? other) =>
        other is not null
        && RoomCreate == other.RoomCreate
        && RoomList == other.RoomList
        && RoomRecord == other.RoomRecord
        && RoomAdmin == other.RoomAdmin
        && RoomJoin == other.RoomJoin
        && string.Equals(Room, other.Room, StringComparison.Ordinal)
        && CanPublish == other.CanPublish
        && CanSubscribe == other.CanSubscribe
        && CanPublishData == other.CanPublishData
        && SourcesEqual(CanPublishSources, other.CanPublishSources)
        && CanUpdateOwnMetadata == other.CanUpdateOwnMetadata
        && IngressAdmin == other.IngressAdmin
        && Hidden == other.Hidden
        && Recorder == other.Recorder
        && Agent == other.Agent
        && CanSubscribeMetrics == other.CanSubscribeMetrics
        && CanManageAgentSession == other.CanManageAgentSession
        && string.Equals(DestinationRoom, other.DestinationRoom, StringComparison.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(RoomCreate);
        hash.Add(RoomList);
        hash.Add(RoomAdmin);
        hash.Add(RoomJoin);
        hash.Add(Room, StringComparer.Ordinal);
        hash.Add(CanPublish);
        hash.Add(CanSubscribe);
        hash.Add(CanPublishData);
        hash.Add(CanPublishSources?.Count);
        return hash.ToHashCode();
    }

    private static bool SourcesEqual(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null || b is null ? a is null && b is null : a.SequenceEqual(b, StringComparer.Ordinal);
}
