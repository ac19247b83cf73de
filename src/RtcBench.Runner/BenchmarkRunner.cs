using RtcBench.Core;
using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner;

/// <summary>
/// Runs a benchmark against an echo agent: checks <c>/health</c>, creates a room with <c>/connect</c>, joins each
/// platform, proves readiness, measures each channel as its own run, and always calls <c>/disconnect</c>, even on
/// failure or interruption. Agent-level problems throw <see cref="RunnerException"/>; per-platform problems are
/// reported in <see cref="BenchmarkReport.Failures"/> so the other platforms still run. An echo found gone mid-run
/// (<see cref="EchoWatch"/>) ends that run at once with outcome <c>failed</c>/<c>echo-lost</c>; the platform's
/// remaining channels, which share that echo, are then reported as failures instead of measured.
/// </summary>
public sealed class BenchmarkRunner
{
    private readonly MonoTime _clock;
    private readonly IBenchmarkObserver? _observer;
    private readonly PacingCalibration _pacing = PacingCalibration.SpinOnly(); // the send pacer's calibration, kept from run to run

    /// <summary>Ping 0 is scheduled this long after the run starts: time for the driver's thread to start and compile
    /// its wait path (<c>HotPath</c>) first. With 1 ms, quickstart's first ping went out 8–9 ms late.</summary>
    internal const long FirstPingLeadNs = 50_000_000;

    public BenchmarkRunner(MonoTime clock, IBenchmarkObserver? observer = null)
    {
        _clock = clock;
        _observer = observer;
    }

    /// <summary>Makes each run's send pacer (from its stop-sending and abort tokens and, when the driver's thread
    /// receives the answers, the <see cref="IWaitingReceiver"/> its waits must receive with: give it to
    /// <c>SystemPacingWaits</c>, or set <see cref="ReceiveOnSendingThread"/> false, or the answers stay unread); null for
    /// the default <see cref="SendPacer"/>. Only benchmarks set it, to compare pacing strategies in one run.</summary>
    internal Func<CancellationToken, CancellationToken, IWaitingReceiver?, ISendPacer>? PacerFactory { get; init; }

    /// <summary>Whether the ping driver's thread receives the answers itself on channels that allow it
    /// (<see cref="IWaitingReceiver"/>, the default); only benchmarks turn it off, to measure the two-thread shape.</summary>
    internal bool ReceiveOnSendingThread { get; init; } = true;

    /// <summary>
    /// The ping driver's thread may ask for real-time priority (at intervals of 4 ms and more on two cores or more, when
    /// the process may): the runner then spins 0.3–0.6× the CPU per ping with no late tail of sends, but the udp RTT p50
    /// came out about 2× longer on the development VM (bench/results/runner-cpu.md), so it is off unless a benchmark asks.
    /// </summary>
    internal bool RealTimePacing { get; init; }

    /// <summary>Whether the ping driver encodes each ping before it reads the send time t1 and then writes t1 into it
    /// (the default), rather than reading t1 first and encoding inside the round trip; only benchmarks turn it off.</summary>
    internal bool StampAfterEncoding { get; init; } = true;

    /// <param name="options">What to run.</param>
    /// <param name="stopSending">First interruption: stop sending, keep the data, wait for in-flight answers.</param>
    /// <param name="abort">Second interruption: stop now.</param>
    public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, CancellationToken stopSending, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clients = new List<IPlatformClient>();
        foreach (string name in options.Platforms)
        {
            if (!PlatformCatalog.TryCreate(name, out var client))
            {
                throw new ArgumentException($"unknown platform '{name}'; available: {string.Join(", ", PlatformCatalog.Names)}");
            }
            clients.Add(client!);
        }

        using var agent = new AgentClient(options.AgentUrl, options.ApiKey);
        _observer?.OnStep($"checking agent {options.AgentUrl}");
        var health = await agent.HealthAsync(abort).ConfigureAwait(false);
        var missing = options.Platforms.Where(p => !health.Platforms.Contains(p)).ToList();
        if (missing.Count > 0)
        {
            throw new RunnerException(RunnerFailure.AgentRejected,
                $"The agent does not offer {string.Join(", ", missing)}; it offers: {string.Join(", ", health.Platforms)}.");
        }

        var config = options.Config;
        TimeSpan ttl = config.ExpectedDuration * (2 * clients.Count) + TimeSpan.FromMinutes(2);
        TimeSpan idle = TimeSpan.FromSeconds(Math.Max(120, (config.Interval * 3 + config.Deadline).TotalSeconds));
        _observer?.OnStep("creating a room");
        var connection = await agent.ConnectAsync(options.Platforms, ttl, idle, abort, options.DailyTopology, options.JanusPath).ConfigureAwait(false);

        var results = new List<RunResult>();
        var failures = new List<BenchmarkFailure>();
        try
        {
            foreach (var client in clients)
            {
                if (stopSending.IsCancellationRequested || abort.IsCancellationRequested)
                {
                    break;
                }
                await RunPlatformAsync(client, agent, connection, options, results, failures, stopSending, abort).ConfigureAwait(false);
            }
        }
        finally
        {
            _observer?.OnStep("closing the room");
            using var disconnectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            if (!await agent.DisconnectAsync(connection.RoomId, disconnectTimeout.Token).ConfigureAwait(false))
            {
                // Further evidence when a run found the echo gone; otherwise the room expires on the agent anyway.
                _observer?.OnStep($"the agent did not close room {connection.RoomId} (/disconnect failed); it expires there by itself");
            }
        }
        return new BenchmarkReport(results, failures, stopSending.IsCancellationRequested || abort.IsCancellationRequested);
    }

    private async Task RunPlatformAsync(
        IPlatformClient client,
        AgentClient agent,
        AgentConnection connection,
        BenchmarkOptions options,
        List<RunResult> results,
        List<BenchmarkFailure> failures,
        CancellationToken stopSending,
        CancellationToken abort)
    {
        if (!connection.Platforms.TryGetValue(client.Name, out var credentials))
        {
            failures.Add(new BenchmarkFailure(client.Name, RunnerFailure.AgentRejected, $"The agent returned no credentials for {client.Name}."));
            return;
        }
        _observer?.OnStep($"joining {client.Name}");
        IReadOnlyList<IPingChannel> channels;
        long joinStart = _clock.NowNs();
        try
        {
            var joinContext = new PlatformJoinContext(connection.RoomId, _clock)
            {
                PayloadBytes = options.Config.PayloadBytes,
                AgentUrl = options.AgentUrl,
                ApiKey = options.ApiKey,
            };
            channels = await client.JoinAsync(credentials, joinContext, abort).ConfigureAwait(false);
        }
        catch (PlatformException ex)
        {
            failures.Add(new BenchmarkFailure(client.Name, RunnerFailure.JoinFailed, ex.Message));
            return;
        }
        double joinMs = (_clock.NowNs() - joinStart) / 1e6;
        try
        {
            RunResult? echoLostIn = null;
            foreach (var channel in channels)
            {
                if (stopSending.IsCancellationRequested || abort.IsCancellationRequested)
                {
                    break;
                }
                if (options.Channels is { } wanted && !wanted.Contains(channel.Channel))
                {
                    continue;
                }
                if (echoLostIn is not null)
                {
                    failures.Add(new BenchmarkFailure(client.Name, RunnerFailure.EchoLost,
                        $"{channel.Channel} channel not measured: the echo was lost during the {echoLostIn.Channel} run ({echoLostIn.Outcome.Detail})"));
                    continue;
                }
                try
                {
                    var result = await MeasureAsync(client.Name, channel, agent, connection, options, joinMs, stopSending, abort).ConfigureAwait(false);
                    results.Add(result);
                    if (result.Outcome.Reason == RunOutcome.EchoLostReason)
                    {
                        echoLostIn = result;
                    }
                }
                catch (RunnerException ex)
                {
                    failures.Add(new BenchmarkFailure(client.Name, ex.Failure, ex.Message));
                }
                catch (OperationCanceledException) when (stopSending.IsCancellationRequested && !abort.IsCancellationRequested)
                {
                    // Interrupted before timing started: nothing was measured on this channel.
                    break;
                }
            }
        }
        finally
        {
            foreach (var channel in channels)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<RunResult> MeasureAsync(
        string platform,
        IPingChannel channel,
        AgentClient agent,
        AgentConnection connection,
        BenchmarkOptions options,
        double joinMs,
        CancellationToken stopSending,
        CancellationToken abort)
    {
        var runId = RunId.New();
        var config = options.Config;
        bool reflected = channel.DescribePath().IsReflector; // the ping itself comes back: no echo timestamps
        _observer?.OnStep($"waiting for the {platform} echo ({channel.Channel})");
        TimeSpan ready;
        using (var readyCancel = CancellationTokenSource.CreateLinkedTokenSource(stopSending, abort))
        {
            try
            {
                ready = await ReadinessProbe.WaitReadyAsync(channel, runId, config.PayloadBytes, _clock, options.ReadinessTimeout, readyCancel.Token, reflected).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                // The channel died before timing started (e.g. a session that ended during the previous channel's run):
                // a recorded failure of this channel, not a crash of the whole benchmark.
                throw new RunnerException(RunnerFailure.NotReady, $"the {platform} {channel.Channel} channel failed before the run: {ex.Message}", ex);
            }
        }

        _observer?.OnRunStarted(platform, channel.Channel, config.TotalPings);
        double wallAnchorUs = _clock.WallAnchorUs();
        DateTimeOffset startedAt = RoundToMicroseconds(_clock.UtcNow());
        var session = new PingSession(runId, config, _clock.NowNs() + FirstPingLeadNs, reflected);
        var driver = new PingDriver(session, channel, _clock, PacerFactory, _pacing, ReceiveOnSendingThread, StampAfterEncoding, RealTimePacing);
        var watch = new EchoWatch(session, channel,
            ct => agent.CheckEchoHostAsync(connection.RoomId, EchoWatch.CheckTimeout, ct), _clock,
            note => _observer?.OnStep($"{platform}/{channel.Channel}: {note}"));
        using var endRun = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var stopWatch = new CancellationTokenSource();
        var watching = watch.WatchAsync(stopWatch.Token);
        var driving = driver.RunAsync((_, _) => _observer?.OnProgress(session.Progress(_clock.NowNs())), stopSending, endRun.Token);
        EchoLoss? echoLost = null;
        string? failure = null;
        if (await Task.WhenAny(driving, watching).ConfigureAwait(false) == watching && watching.IsCompletedSuccessfully
            && watching.Result is { } lost)
        {
            echoLost = lost;
            await endRun.CancelAsync().ConfigureAwait(false); // end the run at once: nothing after this is a measurement
        }
        try
        {
            await driving.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The channel broke under a send: if it says why (the echo closed it, left...), that is the outcome.
            echoLost ??= await watch.SignalAfterFailureAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            failure = $"the {platform} channel failed: {ex.Message}";
        }
        // A run the driver completed (every ping decided) stays a measurement even if the echo went just after.
        await stopWatch.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        if (echoLost is not null)
        {
            session.FinishEchoLost(reliableChannel: channel.Channel == "reliable");
        }
        else
        {
            session.Finish();
        }
        DateTimeOffset endedAt = RoundToMicroseconds(_clock.UtcNow());

        RunOutcome outcome = echoLost is not null ? RunOutcome.EchoLost(echoLost.Detail, RunResultBuilder.ToUtc(wallAnchorUs, echoLost.NoticedNs))
            : failure is not null ? (session.SentCount > 0 ? RunOutcome.Partial(failure) : RunOutcome.Failed(failure))
            : abort.IsCancellationRequested ? RunOutcome.Partial("aborted")
            : session.StoppedEarly ? RunOutcome.Partial("interrupted")
            : RunOutcome.Ok();

        var path = channel.DescribePath() with { SetupMs = Math.Round(joinMs + ready.TotalMilliseconds, 3) };
        var metadata = new RunMetadata
        {
            Platform = platform,
            Channel = channel.Channel,
            TransportMode = channel.TransportMode,
            Location = options.Location,
            Latitude = options.Latitude,
            Longitude = options.Longitude,
            AgentLocation = connection.AgentLocation,
            RunnerHost = options.RunnerHost,
            ToolVersion = ToolInfo.Version,
            Path = path,
        };
        var result = RunResultBuilder.Build(session, metadata, wallAnchorUs, startedAt, endedAt, outcome);
        _observer?.OnRunFinished(result);
        return result;
    }

    private static DateTimeOffset RoundToMicroseconds(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % 10), TimeSpan.Zero);
}
