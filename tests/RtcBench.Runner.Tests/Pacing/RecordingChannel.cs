using RtcBench.Core.Results;
using RtcBench.Platforms;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>A channel that answers nothing and records the clock at every send.</summary>
internal sealed class RecordingChannel : IPingChannel
{
    private readonly ManualClock _clock;

    public RecordingChannel(ManualClock clock, int capacity = 16)
    {
        _clock = clock;
        SentAtNs = new List<long>(capacity);
    }

    public List<long> SentAtNs { get; }

    public string Channel => "lossy";

    public string TransportMode => "test";

    public PathInfo DescribePath() => new();

    public void SetSink(IMessageSink? sink)
    {
    }

    public void Send(ReadOnlySpan<byte> message) => SentAtNs.Add(_clock.NowNs);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
