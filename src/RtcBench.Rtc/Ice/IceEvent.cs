using System.Net;

namespace RtcBench.Rtc.Ice;

/// <summary>
/// Something an ICE core reports. <see cref="Nominated"/> tells, for <see cref="IceEventKind.Selected"/>, whether the
/// pair was nominated (USE-CANDIDATE) or is only the latest endpoint with a valid check. <see cref="Endpoint"/> is
/// null and <see cref="Reason"/> set for <see cref="IceEventKind.Failed"/>. <see cref="Local"/> is the selected pair's
/// local candidate id (<see cref="IceAgent.HostCandidate"/> or one from <see cref="IceAgent.AddLocalCandidate"/>).
/// </summary>
public readonly record struct IceEvent(IceEventKind Kind, IPEndPoint? Endpoint, bool Nominated, string? Reason = null, int Local = IceAgent.HostCandidate)
{
    public static IceEvent Selected(IPEndPoint endpoint, bool nominated, int local = IceAgent.HostCandidate) =>
        new(IceEventKind.Selected, endpoint, nominated, null, local);

    public static IceEvent ConsentExpired(IPEndPoint endpoint) => new(IceEventKind.ConsentExpired, endpoint, false);

    public static IceEvent Failed(string reason) => new(IceEventKind.Failed, null, false, reason);
}
