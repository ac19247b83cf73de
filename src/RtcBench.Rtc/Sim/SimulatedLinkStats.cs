namespace RtcBench.Rtc.Sim;

/// <summary>Counters of one simulated link direction.</summary>
public sealed class SimulatedLinkStats
{
    public long Sent { get; internal set; }

    public long Delivered { get; internal set; }

    public long Lost { get; internal set; }

    public long Duplicated { get; internal set; }

    public long Reordered { get; internal set; }

    public long Oversize { get; internal set; }

    public override string ToString() =>
        FormattableString.Invariant(
            $"sent={Sent} delivered={Delivered} lost={Lost} dup={Duplicated} reordered={Reordered} oversize={Oversize}");
}
