using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Udp;

namespace RtcBench.Runner;

/// <summary>
/// Proves the echo is present before timing starts (DESIGN §3): sends probes (pings with negative seq) with
/// growing gaps until one comes back or the timeout passes. Probes never enter the statistics. Each probe has its own
/// seq (-1, -2, …: the udp echo drops a repeated one as a replay) and is padded to at least
/// <see cref="UdpFrame.MinProbeBytes"/>: the udp echo never answers a probe with more bytes than it carried.
/// </summary>
internal sealed class ReadinessProbe : IMessageSink
{
    private readonly RunId _runId;
    private readonly bool _reflected;
    private readonly TaskCompletionSource<long> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReadinessProbe(RunId runId, bool reflected)
    {
        _runId = runId;
        _reflected = reflected;
    }

    public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
    {
        if (PingCodec.TryReadPong(message, out var pong) && pong.RunId == _runId && pong.Seq < 0)
        {
            _answer.TrySetResult(receivedNs);
        }
        else if (_reflected && PingCodec.TryReadPing(message, out var ping) && ping.RunId == _runId && ping.Seq < 0)
        {
            _answer.TrySetResult(receivedNs); // a reflector (Janus's EchoTest) returns the probe itself
        }
    }

    /// <summary>Returns how long the first answered probe took (from the first probe sent).</summary>
    public static async Task<TimeSpan> WaitReadyAsync(
        IPingChannel channel, RunId runId, int payloadBytes, MonoTime clock, TimeSpan timeout, CancellationToken cancellationToken, bool reflected = false)
    {
        var probe = new ReadinessProbe(runId, reflected);
        channel.SetSink(probe);
        var buffer = new byte[PingCodec.MaxMessageBytes];
        long startNs = clock.NowNs();
        long deadlineNs = startNs + (long)timeout.TotalMilliseconds * 1_000_000;
        var gap = TimeSpan.FromMilliseconds(50);
        try
        {
            for (long seq = -1; ; seq--)
            {
                long now = clock.NowNs();
                if (now >= deadlineNs)
                {
                    string? why = (channel as IChannelDiagnostics)?.ExplainSilence();
                    throw new RunnerException(RunnerFailure.NotReady,
                        $"The {channel.TransportMode} echo did not answer within {timeout.TotalSeconds:0.#} s ({-seq - 1} probes sent)"
                        + (why is null ? "." : $": {why}."));
                }
                int length = PingCodec.WritePing(buffer, runId, seq, now, Math.Max(payloadBytes, UdpFrame.MinProbeBytes));
                channel.Send(buffer.AsSpan(0, length));
                var wait = TimeSpan.FromTicks(Math.Min(gap.Ticks, (deadlineNs - now) / 100));
                try
                {
                    long answeredNs = await probe._answer.Task.WaitAsync(wait, clock.Provider, cancellationToken).ConfigureAwait(false);
                    return TimeSpan.FromTicks((answeredNs - startNs) / 100);
                }
                catch (TimeoutException)
                {
                    gap = TimeSpan.FromTicks(Math.Min(gap.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
                }
            }
        }
        finally
        {
            channel.SetSink(null);
        }
    }
}
