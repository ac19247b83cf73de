using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sim;

/// <summary>
/// A test endpoint that sends one numbered 100-byte packet every <c>intervalNs</c> (using its own timer) until
/// <c>count</c> are sent, and records what it receives.
/// </summary>
internal sealed class CountingEndpoint : ISimEndpoint
{
    private readonly long _intervalNs;
    private readonly int _count;
    private readonly Queue<byte[]> _out = new();
    private int _sent;

    public CountingEndpoint(long intervalNs, int count, long startNs = 0)
    {
        _intervalNs = intervalNs;
        _count = count;
        NextTimeoutNs = count > 0 ? startNs : RtcTime.Never;
    }

    public List<(long At, int Number)> Received { get; } = [];

    public long NextTimeoutNs { get; private set; }

    public void HandleInput(long nowNs, ReadOnlySpan<byte> packet) =>
        Received.Add((nowNs, BitConverter.ToInt32(packet[..4])));

    public void HandleTimeout(long nowNs)
    {
        var p = new byte[100];
        BitConverter.TryWriteBytes(p, _sent);
        _out.Enqueue(p);
        _sent++;
        NextTimeoutNs = _sent < _count ? nowNs + _intervalNs : RtcTime.Never;
    }

    public bool TryPollTransmit(out byte[] packet) => _out.TryDequeue(out packet!);
}
