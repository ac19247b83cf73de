using RtcBench.LiveKit.Protocol;
using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Participant;

/// <summary>
/// What the join response's ice_servers and client_configuration.force_relay mean for our peer connections: the ICE
/// servers with their credentials (kept in memory only, in the options of the publisher and subscriber connections)
/// and the transport policy (relay only when force_relay is ENABLED). Our stack allocates on the first <c>turn:</c>
/// URL over UDP; <c>turns:</c>, TCP and STUN-only servers are passed on and skipped there (see
/// <see cref="PeerConnection.RelayStatus"/>). Nothing here ever puts a credential in a message.
/// </summary>
internal static class LiveKitRelay
{
    /// <summary>
    /// The peer options for this join, or why the join cannot go on (<see cref="LiveKitEndKind.Unsupported"/>):
    /// force_relay without a usable <c>turn:</c> UDP server with a username and credential.
    /// <paramref name="note"/> says which servers were left out (a UDP TURN URL without credentials) or is null.
    /// </summary>
    public static PeerConnectionOptions Apply(PeerConnectionOptions peer, JoinResponse join, out string? unsupported, out string? note)
    {
        unsupported = null;
        note = null;
        var usable = new List<RtcIceServer>();
        var withoutCredential = new List<string>();
        foreach (var server in join.IceServers)
        {
            bool turn = server.Urls.Any(IsUdpTurn);
            if (turn && (string.IsNullOrEmpty(server.Username) || string.IsNullOrEmpty(server.Credential)))
            {
                withoutCredential.AddRange(server.Urls.Where(IsUdpTurn)); // Our stack would refuse it: left out.
                continue;
            }

            usable.Add(new RtcIceServer([.. server.Urls], NullIfEmpty(server.Username), NullIfEmpty(server.Credential)));
        }

        if (withoutCredential.Count > 0)
        {
            note = $"TURN server {string.Join(' ', withoutCredential)} given without a username or credential: not used";
        }

        bool forceRelay = join.ClientConfiguration?.ForceRelay == ClientConfigSetting.Enabled;
        if (forceRelay && !usable.Any(s => s.Urls.Any(IsUdpTurn)))
        {
            string given = join.IceServers.Count == 0 ? "none" : string.Join(' ', join.IceServers.SelectMany(s => s.Urls));
            unsupported = "the server requires relay-only ICE (force_relay) but gave no TURN server this client can use "
                + $"(a turn: URL over UDP with a username and credential; turns: and TCP are not supported); ICE servers given: {given}";
            return peer;
        }

        return peer with
        {
            IceServers = usable,
            IceTransportPolicy = forceRelay ? IceTransportPolicy.Relay : IceTransportPolicy.All,
        };
    }

    /// <summary>A <c>turn:</c> URL over UDP: what our stack allocates on.</summary>
    public static bool IsUdpTurn(string url) => IceServerUrl.TryParse(url, out var parsed) && parsed!.IsUdpTurn;

    private static string? NullIfEmpty(string value) => string.IsNullOrEmpty(value) ? null : value;
}
