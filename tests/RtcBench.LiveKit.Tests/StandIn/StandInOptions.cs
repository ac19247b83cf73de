using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>How the stand-in LiveKit server behaves; the defaults mirror LiveKit's (except the keepalive, shorter for tests).</summary>
internal sealed record StandInOptions
{
    public string ApiKey { get; init; } = "APIstandin";

    public string ApiSecret { get; init; } = "stand-in-secret-0123456789abcdef0123456789";

    /// <summary>JoinResponse.ping_interval (s); LiveKit sends 5.</summary>
    public int PingIntervalSeconds { get; init; } = 5;

    /// <summary>JoinResponse.ping_timeout (s); LiveKit sends 15.</summary>
    public int PingTimeoutSeconds { get; init; } = 15;

    /// <summary>Subscriber-primary when the client's protocol &gt; 2 and it may subscribe (LiveKit's rule), unless off here.</summary>
    public bool SubscriberPrimary { get; init; } = true;

    /// <summary>JoinResponse.client_configuration.force_relay.</summary>
    public ClientConfigSetting ForceRelay { get; init; } = ClientConfigSetting.Unset;

    /// <summary>JoinResponse.ice_servers.</summary>
    public IReadOnlyList<ICEServer> IceServers { get; init; } = [];
}
