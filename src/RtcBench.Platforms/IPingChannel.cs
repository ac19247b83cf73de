using RtcBench.Core.Results;

namespace RtcBench.Platforms;

/// <summary>
/// One joined channel to an echo: the runner sends pings on it and receives pongs from it. A platform that offers
/// a reliable and a lossy channel returns one of each; each is measured as its own run.
/// </summary>
public interface IPingChannel : IAsyncDisposable
{
    /// <summary>reliable or lossy.</summary>
    string Channel { get; }

    /// <summary>e.g. "udp", "webrtc-datachannel".</summary>
    string TransportMode { get; }

    /// <summary>What the path looks like; may improve once traffic flows (e.g. the selected candidate pair).</summary>
    PathInfo DescribePath();

    /// <summary>Routes every received message to <paramref name="sink"/> from now on (replacing any earlier sink).</summary>
    void SetSink(IMessageSink? sink);

    /// <summary>Sends one message. Hot path: must not allocate. Throws <see cref="IOException"/> if the channel is gone.</summary>
    void Send(ReadOnlySpan<byte> message);
}
