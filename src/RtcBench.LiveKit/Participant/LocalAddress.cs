using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Net;

namespace RtcBench.LiveKit.Participant;

/// <summary>Our host candidate: the local address the OS routes towards the signal server (loopback for loopback).</summary>
internal static class LocalAddress
{
    public static async Task<IPAddress> TowardsAsync(string host, CancellationToken ct)
    {
        IPAddress remote;
        try
        {
            remote = await HostRoute.ResolveAsync(host, ct).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new LiveKitException(new LiveKitOutcome(LiveKitEndKind.Unreachable, $"cannot resolve the LiveKit host '{host}': {ex.Message}"), ex);
        }

        try
        {
            return HostRoute.SourceTowards(remote);
        }
        catch (SocketException ex)
        {
            throw new LiveKitException(new LiveKitOutcome(LiveKitEndKind.Unreachable, $"no route to the LiveKit host '{host}': {ex.Message}"), ex);
        }
    }
}
