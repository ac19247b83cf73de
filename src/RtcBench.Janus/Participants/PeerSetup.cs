using System.Net;
using System.Net.Sockets;
using RtcBench.Janus.Client;
using RtcBench.Rtc.Peer;

namespace RtcBench.Janus.Participants;

/// <summary>What the data participants share: our peer options, the local address, and waiting for a connection to Janus.</summary>
internal static class PeerSetup
{
    public static async Task<IPAddress> LocalAddressAsync(JanusParticipantOptions options, CancellationToken ct)
    {
        if (options.LocalAddress is { } given)
        {
            return given;
        }

        string host = options.Client.Url.Host;
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
                throw new JanusTransportException($"cannot resolve the Janus host '{host}': {ex.Message}", ex);
            }
        }

        try
        {
            using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(remote, 9)); // Sends nothing: picks the route and our source address.
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException ex)
        {
            throw new JanusTransportException($"no route to the Janus host '{host}': {ex.Message}", ex);
        }
    }

    public static PeerConnectionOptions PeerOptions(JanusParticipantOptions options, IPAddress local)
    {
        var peer = new PeerConnectionOptions { LocalAddress = local };
        return options.PeerPhaseTimeout is { } t
            ? peer with { IceTimeout = t, DtlsTimeout = t, SctpTimeout = t, ChannelOpenTimeout = t }
            : peer;
    }

    /// <summary>Waits until <paramref name="pc"/> is connected; Janus hanging up <paramref name="handle"/> first, or our failure, throws.</summary>
    public static async Task ConnectedAsync(PeerConnection pc, JanusHandle handle, string what, CancellationToken ct)
    {
        var first = await Task.WhenAny(pc.WhenConnected, handle.WhenHungUp).WaitAsync(ct).ConfigureAwait(false);
        if (first == handle.WhenHungUp)
        {
            throw new JanusPeerException($"Janus hung up the {what} connection ({(await handle.WhenHungUp.ConfigureAwait(false)).Reason}) before it was up.");
        }

        var outcome = await pc.WhenConnected.ConfigureAwait(false);
        if (!outcome.Connected)
        {
            throw new JanusPeerException($"our {what} connection to Janus failed: {outcome}.");
        }
    }

    public static async Task OpenAsync(DataChannel channel, string what, CancellationToken ct)
    {
        if (!await channel.WhenOpen.WaitAsync(ct).ConfigureAwait(false))
        {
            throw new JanusPeerException($"Janus did not acknowledge our {what} data channel '{channel.Label}'.");
        }
    }
}
