using RtcBench.Core.Measurement;
using RtcBench.Core.Timing;
using RtcBench.Platforms;

namespace RtcBench.Runner;

/// <summary>
/// Watches one run for the echo going away (DESIGN §4b), beside the <see cref="PingDriver"/>, and returns the evidence
/// when it does. Two sources:
/// <list type="bullet">
/// <item>the channel's own signal (<see cref="IEchoLossSignal"/>: the peer closed, the echo participant left, our
/// session ended). When it says only that the path failed (e.g. ICE consent expired), the agent is asked too and
/// its answer is added to the evidence;</item>
/// <item>silence: no pong for <see cref="SilenceFor"/> (max(1 s, 3 × interval, 2 × the longest RTT seen)) while
/// pings are out. Then the agent is asked
/// (<see cref="AgentClient.CheckEchoHostAsync"/>, at most once per silence period): refused, failing or without our
/// room means the echo is gone; an agent that answers and still has the room means the path is silent, and the
/// silence stays loss; an agent that does not answer in time proves nothing either way (a dead host and a network
/// outage look alike), so the silence stays loss too.</item>
/// </list>
/// Runs on the thread pool and wakes a few times a second; the ping path is not touched.
/// </summary>
internal sealed class EchoWatch
{
    /// <summary>How long the agent has to answer a check.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan MinimumSilence = TimeSpan.FromSeconds(1);

    private readonly PingSession _session;
    private readonly IPingChannel _channel;
    private readonly Func<CancellationToken, Task<EchoHostCheck>> _checkAgent;
    private readonly MonoTime _clock;
    private readonly Action<string>? _note;
    private readonly TimeSpan _tick;

    /// <param name="session">The run's session (read for <see cref="PingSession.SilentSinceNs"/>).</param>
    /// <param name="channel">The channel measured; its <see cref="IEchoLossSignal"/> is used when it has one.</param>
    /// <param name="checkAgent">Asks the agent whether it still hosts the echo (bounded by <see cref="CheckTimeout"/>).</param>
    /// <param name="clock">The run's clock.</param>
    /// <param name="note">Hears one line when a silence is kept as loss (once per silent period).</param>
    public EchoWatch(
        PingSession session, IPingChannel channel, Func<CancellationToken, Task<EchoHostCheck>> checkAgent, MonoTime clock, Action<string>? note)
    {
        _session = session;
        _channel = channel;
        _checkAgent = checkAgent;
        _clock = clock;
        _note = note;
        _tick = TimeSpan.FromTicks(Math.Min(SilenceFor(session.Config).Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks));
    }

    /// <summary>
    /// No pong for this long while pings are out makes the runner ask the agent: max(1 s, 3 × interval, and — so a
    /// slow path is not taken for a silent one — twice the longest RTT seen so far, counted up to one deadline).
    /// </summary>
    /// <param name="config">The run's settings.</param>
    /// <param name="maxRttNs">The longest RTT seen so far (<see cref="PingSession.MaxRttNs"/>), 0 before the first.</param>
    public static TimeSpan SilenceFor(RunConfig config, long maxRttNs = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        var silence = config.Interval * 3 > MinimumSilence ? config.Interval * 3 : MinimumSilence;
        var slowPath = TimeSpan.FromTicks(Math.Min(2 * maxRttNs / 100, config.Deadline.Ticks));
        return slowPath > silence ? slowPath : silence;
    }

    /// <summary>Returns the evidence once the echo is found gone, or null when <paramref name="stop"/> ends the watch first.</summary>
    public async Task<EchoLoss?> WatchAsync(CancellationToken stop)
    {
        Task<EchoLoss> signal = (_channel as IEchoLossSignal)?.EchoLost ?? new TaskCompletionSource<EchoLoss>().Task;
        long lastCheckNs = long.MinValue;
        bool noted = false;
        try
        {
            while (true)
            {
                var tick = Task.Delay(_tick, _clock.Provider, stop);
                if (await Task.WhenAny(signal, tick).ConfigureAwait(false) == signal)
                {
                    return await ConfirmAsync(signal.Result).ConfigureAwait(false);
                }
                if (stop.IsCancellationRequested)
                {
                    return null;
                }

                long silentSince = _session.SilentSinceNs;
                long now = _clock.NowNs();
                long silenceNs = SilenceFor(_session.Config, _session.MaxRttNs).Ticks * 100;
                if (silentSince == long.MaxValue || now - silentSince < silenceNs)
                {
                    noted = false;
                    continue;
                }
                if (lastCheckNs != long.MinValue && now - lastCheckNs < silenceNs)
                {
                    continue;
                }
                lastCheckNs = now;
                var check = CheckAgentAsync(stop);
                if (await Task.WhenAny(signal, check).ConfigureAwait(false) == signal)
                {
                    return await ConfirmAsync(signal.Result).ConfigureAwait(false);
                }
                var answer = await check.ConfigureAwait(false);
                string silence = $"no pong for {(now - silentSince) / 1e9:0.0} s";
                if (answer.State == EchoHostState.Gone)
                {
                    return new EchoLoss(_clock.NowNs(), $"{silence} and {answer.Detail}", Definitive: true);
                }
                if (!noted)
                {
                    noted = true;
                    _note?.Invoke(answer.State == EchoHostState.Present
                        ? $"{silence}, but {answer.Detail}: counting the silence as loss"
                        : $"{silence} and {answer.Detail}: a dead agent and a network outage look alike, counting the silence as loss");
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// The channel's own evidence, as is when definitive; else with what the agent answers added, e.g. "ICE consent
    /// expired: …; GET /health failed: Connection refused" or "…; the agent answers and still has the room, so the
    /// path to it failed".
    /// </summary>
    private async Task<EchoLoss> ConfirmAsync(EchoLoss loss)
    {
        if (loss.Definitive)
        {
            return loss;
        }
        var answer = await CheckAgentAsync(CancellationToken.None).ConfigureAwait(false);
        string why = answer.State == EchoHostState.Present ? $"{answer.Detail}, so the path to it failed" : answer.Detail;
        return loss with { Detail = $"{loss.Detail}; {why}" };
    }

    /// <summary>The agent check; a fault in it (a bug, never the agent's answer) proves nothing and never ends the watch.</summary>
    private async Task<EchoHostCheck> CheckAgentAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _checkAgent(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new EchoHostCheck(EchoHostState.Unknown, $"the agent check failed ({ex.GetType().Name}: {ex.Message})");
        }
    }

    /// <summary>
    /// After the channel broke under the driver (a send failed): the channel's own signal, if it comes within
    /// <paramref name="grace"/> (the connection's end and a failed send race by microseconds), else null.
    /// </summary>
    public async Task<EchoLoss?> SignalAfterFailureAsync(TimeSpan grace)
    {
        if (_channel is not IEchoLossSignal source)
        {
            return null;
        }
        var signal = source.EchoLost;
        if (await Task.WhenAny(signal, Task.Delay(grace, _clock.Provider)).ConfigureAwait(false) != signal)
        {
            return null;
        }
        return await ConfirmAsync(signal.Result).ConfigureAwait(false);
    }
}
