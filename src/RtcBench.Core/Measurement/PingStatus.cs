namespace RtcBench.Core.Measurement;

/// <summary>The fate of one ping (DESIGN §3).</summary>
public enum PingStatus : byte
{
    /// <summary>Scheduled or in flight; not yet decided. Never appears in a finished run.</summary>
    Pending = 0,

    /// <summary>Answered before its deadline; its RTT counts in the statistics.</summary>
    Ok = 1,

    /// <summary>No answer by the end of the run (its deadline passed).</summary>
    Lost = 2,

    /// <summary>Answered, but after its deadline; stored with its RTT, excluded from latency statistics.</summary>
    Late = 3,

    /// <summary>A warm-up ping: sent and stored, excluded from every statistic.</summary>
    Warmup = 4,

    /// <summary>Never sent because the run stopped first (interrupted or failed); excluded from statistics.</summary>
    NotSent = 5,

    /// <summary>
    /// Sent, but unanswered when the run ended because the echo was found gone (DESIGN §4b): neither lost nor in
    /// any statistic. Every unanswered ping sent after the last answered one is abandoned (the echo's liveness after
    /// that moment is unknown); on a reliable channel, which cannot lose, every unanswered ping is.
    /// </summary>
    Abandoned = 6,
}

public static class PingStatusNames
{
    public static string ToWire(this PingStatus status) => status switch
    {
        PingStatus.Pending => "pending",
        PingStatus.Ok => "ok",
        PingStatus.Lost => "lost",
        PingStatus.Late => "late",
        PingStatus.Warmup => "warmup",
        PingStatus.NotSent => "not_sent",
        PingStatus.Abandoned => "abandoned",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? text, out PingStatus status)
    {
        status = text switch
        {
            "pending" => PingStatus.Pending,
            "ok" => PingStatus.Ok,
            "lost" => PingStatus.Lost,
            "late" => PingStatus.Late,
            "warmup" => PingStatus.Warmup,
            "not_sent" => PingStatus.NotSent,
            "abandoned" => PingStatus.Abandoned,
            _ => (PingStatus)255,
        };
        return status != (PingStatus)255;
    }
}
