using RtcBench.Interop.Tests;

namespace RtcBench.LiveKit.Tests.RustSdk;

/// <summary>The test network namespace the @livekit/rtc-node participants run in (one per test class; root and iproute2 needed).</summary>
public sealed class RtcNodeNetns : IDisposable
{
    private readonly Netns _netns = Netns.Create();

    /// <summary>The root side of the veth: where the stand-in listens.</summary>
    public System.Net.IPAddress RootAddress => _netns.RootAddress;

    internal string Name => _netns.Name;

    public void Dispose() => _netns.Dispose();
}
