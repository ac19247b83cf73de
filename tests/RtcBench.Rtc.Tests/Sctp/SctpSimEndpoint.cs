using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>Adapts an <see cref="SctpAssociation"/> to the simulator and collects its events after every call.</summary>
internal sealed class SctpSimEndpoint(SctpAssociation association) : ISimEndpoint
{
    public SctpAssociation Association { get; } = association;

    public List<SctpEvent> Events { get; } = [];

    public List<SctpMessageReceived> Messages { get; } = [];

    public bool Connected => Events.OfType<SctpConnected>().Any();

    public SctpClosed? Closed => Events.OfType<SctpClosed>().FirstOrDefault();

    public long NextTimeoutNs => Association.NextTimeoutNs;

    public void HandleInput(long nowNs, ReadOnlySpan<byte> packet)
    {
        Association.HandleInput(nowNs, packet);
        Drain();
    }

    public void HandleTimeout(long nowNs)
    {
        Association.HandleTimeout(nowNs);
        Drain();
    }

    public bool TryPollTransmit(out byte[] packet) => Association.TryPollTransmit(out packet);

    public void Drain()
    {
        while (Association.TryPollEvent(out var e))
        {
            Events.Add(e);
            if (e is SctpMessageReceived m)
            {
                Messages.Add(m);
            }
        }
    }
}
