using RtcBench.Platforms.Daily;
using RtcBench.Platforms.Direct;
using RtcBench.Platforms.Janus;
using RtcBench.Platforms.LiveKit;
using RtcBench.Platforms.Udp;

namespace RtcBench.Platforms;

/// <summary>The platforms this build of the runner can measure, by name.</summary>
public static class PlatformCatalog
{
    /// <summary>Platforms that run on this machine with no account: what quickstart measures.</summary>
    public static IReadOnlyList<string> LocalPlatforms { get; } = ["udp", "direct"];

    public static IReadOnlyList<string> Names { get; } = ["udp", "direct", "daily", "livekit", "janus"];

    public static bool TryCreate(string name, out IPlatformClient? client)
    {
        client = name switch
        {
            "udp" => new UdpPlatformClient(),
            "direct" => new DirectPlatformClient(),
            "daily" => new DailyPlatformClient(),
            "livekit" => new LiveKitPlatformClient(),
            "janus" => new JanusPlatformClient(),
            _ => null,
        };
        return client is not null;
    }
}
