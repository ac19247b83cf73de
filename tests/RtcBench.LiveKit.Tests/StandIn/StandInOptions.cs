using System.Net;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>How the stand-in LiveKit server behaves; the defaults mirror LiveKit's (except the keepalive, shorter for tests).</summary>
internal sealed record StandInOptions
{
    /// <summary>The API key and secret tokens are checked against (LiveKitTokens.Validate).</summary>
    public LiveKitCredentials Credentials { get; init; } = new("APIstandin", "stand-in-secret-0123456789abcdef0123456789");

    /// <summary>The room store shared with the stand-in RoomService; a fresh one when null.</summary>
    public StandInRooms? Rooms { get; init; }

    /// <summary>JoinResponse.ping_interval (s); LiveKit sends 5.</summary>
    public int PingIntervalSeconds { get; init; } = 5;

    /// <summary>JoinResponse.ping_timeout (s); LiveKit sends 15.</summary>
    public int PingTimeoutSeconds { get; init; } = 15;

    /// <summary>Subscriber-primary when the client's protocol &gt; 2 and it may subscribe (LiveKit's rule), unless off here.</summary>
    public bool SubscriberPrimary { get; init; } = true;

    /// <summary>JoinResponse.client_configuration.force_relay.</summary>
    public ClientConfigSetting ForceRelay { get; init; } = ClientConfigSetting.Unset;

    /// <summary>
    /// Candidates travel only by trickle: the server's SDPs go out without them and the client's SDP candidates are
    /// ignored (LiveKit takes both; this makes the flow tests prove the client's trickle in and out).
    /// </summary>
    public bool CandidatesByTrickleOnly { get; init; } = true;

    /// <summary>
    /// After the signal connection breaks (no leave), the participant and its peer connections are kept this long for
    /// a reconnect, as LiveKit does, so the client sees the signalling loss first, not its peer connections closing.
    /// </summary>
    public TimeSpan ResumeWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where the signalling/Twirp listener and the server's peer connections bind: loopback by default; the root side
    /// of a test network namespace's veth when a client runs inside it (Chromium, which gathers no loopback candidates).
    /// </summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// The SFU's peer connections advertise ICE-lite (LiveKit's <c>rtc.use_ice_lite</c>; off by default for a
    /// self-hosted server, presumably on in LiveKit Cloud): werift is then the controlled agent on both connections.
    /// </summary>
    public bool IceLite { get; init; }

    /// <summary>JoinResponse.ice_servers.</summary>
    public IReadOnlyList<ICEServer> IceServers { get; init; } = [];
}
