using System.Net;
using System.Net.Sockets;

namespace RtcBench.Rtc.Net;

/// <summary>
/// Where a signalling host is and which of our addresses the OS routes towards it: the address our host candidate
/// and our UDP sockets bind to. Both throw <see cref="SocketException"/>; callers wrap it in their own typed error.
/// </summary>
public static class HostRoute
{
    /// <summary>An IP literal (brackets allowed) as is; a name through DNS, its first IPv4 address preferred.</summary>
    public static async Task<IPAddress> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return literal;
        }

        var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        return Array.Find(addresses, a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? (addresses.Length > 0 ? addresses[0] : throw new SocketException((int)SocketError.HostNotFound));
    }

    /// <summary>Our source address towards <paramref name="remote"/> (loopback for loopback). Sends nothing: a UDP
    /// connect only picks the route.</summary>
    public static IPAddress SourceTowards(IPAddress remote)
    {
        if (IPAddress.IsLoopback(remote))
        {
            return remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        }

        using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        probe.Connect(new IPEndPoint(remote, 9));
        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }
}
