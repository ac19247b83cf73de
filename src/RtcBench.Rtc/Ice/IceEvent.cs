using System.Net;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// Something an ICE core reports. <see cref="Nominated"/> tells, for <see cref="IceEventKind.Selected"/>, whether the
/// controlling peer nominated the pair (USE-CANDIDATE) or it is only the latest endpoint with a valid check.
/// </summary>
public readonly record struct IceEvent(IceEventKind Kind, IPEndPoint Endpoint, bool Nominated)
{
    public static IceEvent Selected(IPEndPoint endpoint, bool nominated) => new(IceEventKind.Selected, endpoint, nominated);

    public static IceEvent ConsentExpired(IPEndPoint endpoint) => new(IceEventKind.ConsentExpired, endpoint, false);
}
