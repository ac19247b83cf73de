using System.Net;
using System.Net.Sockets;

namespace RtcBench.LiveKit.Participant;

/// <summary>Our host candidate: the local address the OS routes towards the signal server (loopback for loopback).</summary>
internal static class LocalAddress
{
    public static async Task<IPAddress> TowardsAsync(string host, CancellationToken ct)
    {
        if (!IPAddress.TryParse(host.Trim('[', ']'), out var remote))
        {
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
                remote = Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork)
                    ?? (addresses.Length > 0 ? addresses[0] : throw new SocketException((int)SocketError.HostNotFound));
            }
            catch (SocketException ex)
            {
                throw new LiveKitException(new LiveKitOutcome(LiveKitEndKind.Unreachable, $"cannot resolve the LiveKit host '{host}': {ex.Message}"), ex);
            }
        }

        if (IPAddress.IsLoopback(remote))
        {
            return remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        }

        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(remote, 9)); // No packet is sent: connect only picks the route and source address.
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException ex)
        {
            throw new LiveKitException(new LiveKitOutcome(LiveKitEndKind.Unreachable, $"no route to the LiveKit host '{host}': {ex.Message}"), ex);
        }
    }
}
