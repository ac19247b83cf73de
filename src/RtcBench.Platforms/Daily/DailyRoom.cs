namespace RtcBench.Platforms.Daily;

/// <summary>A room as Daily returned it.</summary>
public sealed record DailyRoom(string Id, string Name, Uri Url, DateTimeOffset? CreatedAt);
