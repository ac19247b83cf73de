namespace RtcBench.Platforms.Daily.Browser;

/// <summary>What a call page joins with.</summary>
public sealed record DailyCallConfig
{
    /// <summary>"runner" sends pings and returns pongs to C#; "echo" answers every ping to its sender.</summary>
    public required DailyCallRole Role { get; init; }

    /// <summary>The room URL (https://&lt;domain&gt;.daily.co/&lt;room&gt;).</summary>
    public required Uri RoomUrl { get; init; }

    /// <summary>A meeting token for the room (never logged).</summary>
    public string? Token { get; init; }

    public string UserName { get; init; } = "rtcbench";

    /// <summary>
    /// When set, the page uses the offline STAND-IN for daily-js (daily-standin.js) connected to this WebSocket
    /// relay instead of real daily-js. Tests and the offline demo only.
    /// </summary>
    public Uri? StandInRelay { get; init; }

    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

public enum DailyCallRole
{
    Runner,
    Echo,
}
