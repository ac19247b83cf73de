namespace RtcBench.Rtc.Sdp;

/// <summary>
/// A line the model does not interpret (<c>i=</c>, <c>u=</c>, <c>e=</c>, <c>p=</c>, <c>b=</c>, <c>r=</c>, <c>z=</c>,
/// <c>k=</c>, or an unknown letter), kept so that parse → write loses nothing.
/// </summary>
public sealed record SdpLine(char Type, string Value)
{
    public override string ToString() => Type + "=" + Value;
}
