namespace RtcBench.Cli.Commands;

/// <summary>What became of the runs a command sent to a results service: delivered, spooled for later, or refused.</summary>
internal sealed class DeliveryTally
{
    public int Delivered { get; set; }

    /// <summary>Spooled (the service was unreachable, or refused the token); re-sent by the next run or `rtcbench push`.</summary>
    public int Spooled { get; set; }

    /// <summary>Documents the service refused, set aside in the spool's rejected/ (never re-sent).</summary>
    public int Refused { get; set; }

    public string SpoolDirectory { get; set; } = "";
}
