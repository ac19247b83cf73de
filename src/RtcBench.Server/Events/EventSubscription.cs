using System.Threading.Channels;

namespace RtcBench.Server.Events;

/// <summary>One listener's bounded queue of events; dispose it to stop listening.</summary>
internal sealed class EventSubscription(RunEventHub hub, Channel<ServerEvent> channel) : IDisposable
{
    public ChannelReader<ServerEvent> Reader => channel.Reader;

    public void Dispose() => hub.Remove(channel);
}
