using RtcBench.Core.Measurement;
using RtcBench.Core.Results;
using RtcBench.Runner;

namespace RtcBench.Cli.Output;

/// <summary>
/// Progress on stderr while a benchmark runs: what it is doing (checking the agent, joining each platform, waiting
/// for the echo), then for each run its live p50, loss so far and time left — one updating line on a terminal, a
/// line every <see cref="LineEveryNs"/> of run time at most otherwise (CI logs and pipes stay readable). Silent with
/// --quiet. Nothing here goes to stdout, so <c>--json</c> output stays clean. With JSON events
/// (<c>--log-format json</c>) every line becomes one event object instead and the terminal redraw is off: steps,
/// run start and end (with their figures as fields), messages, and progress at the off-terminal cadence.
/// </summary>
internal sealed class ConsoleObserver : IBenchmarkObserver
{
    /// <summary>Off a terminal, at most one progress line per 5 s of run time.</summary>
    internal const long LineEveryNs = 5_000_000_000;

    private const int BarWidth = 20;

    private readonly TextWriter _err;
    private readonly bool _interactive;
    private readonly bool _quiet;
    private readonly Lock _gate = new();
    private string _current = "";
    private long _nextLineNs;
    private bool _lineOpen;
    private readonly EventLog? _events;

    public ConsoleObserver(TextWriter err, bool interactive, bool quiet, EventLog? events = null)
    {
        _err = err;
        _events = events is { Json: true } ? events : null;
        _interactive = interactive && _events is null;
        _quiet = quiet;
    }

    public void OnStep(string message)
    {
        if (_quiet)
        {
            return;
        }
        lock (_gate)
        {
            if (_events is not null)
            {
                _events.Info("step", message);
                return;
            }
            EndLine();
            _err.WriteLine($"rtcbench: {message}");
        }
    }

    public void OnRunStarted(string platform, string channel, int totalPings)
    {
        lock (_gate)
        {
            _current = $"{platform}/{channel}";
            _nextLineNs = LineEveryNs;
            if (!_quiet && _events is not null)
            {
                _events.Info("run-started", $"{_current}: measuring ({totalPings} pings)", ("Platform", platform), ("Channel", channel), ("Pings", totalPings));
            }
            else if (!_quiet && !_interactive)
            {
                _err.WriteLine($"rtcbench: {_current}: measuring ({totalPings} pings)");
            }
        }
    }

    public void OnProgress(PingProgress progress)
    {
        if (_quiet || progress.Total == 0)
        {
            return;
        }
        lock (_gate)
        {
            if (_interactive)
            {
                int filled = (int)((long)BarWidth * progress.Sent / progress.Total);
                string bar = new string('#', filled) + new string('.', BarWidth - filled);
                // \r back to the start, \e[K clears what a longer previous line left behind.
                _err.Write($"\r{_current,-16} [{bar}] {progress.Sent}/{progress.Total}  {Figures(progress)}\u001b[K");
                _lineOpen = true;
            }
            else if (progress.ElapsedNs >= _nextLineNs)
            {
                _nextLineNs = (progress.ElapsedNs / LineEveryNs + 1) * LineEveryNs;
                int percent = (int)(100L * progress.Sent / progress.Total);
                if (_events is not null)
                {
                    _events.Info("progress", $"{_current} {percent}% ({progress.Sent}/{progress.Total} sent): {Figures(progress)}",
                        ("Run", _current), ("Sent", progress.Sent), ("Total", progress.Total), ("P50Us", progress.P50Us), ("Lost", progress.Lost));
                    return;
                }
                _err.WriteLine($"rtcbench: {_current} {percent}% ({progress.Sent}/{progress.Total} sent): {Figures(progress)}");
            }
        }
    }

    /// <summary>"p50 0.239 ms, lost 0 (0.0%), 9s left".</summary>
    internal static string Figures(PingProgress p)
    {
        string p50 = p.P50Us is { } us ? $"p50 {Format.Ms(us)} ms" : "p50 -";
        string lost = p.LossRate is { } rate ? $"lost {p.Lost} ({Format.Percent(rate)})" : "lost -";
        string left = p.SendingLeftNs > 0 ? $"{TimeLeft(p.SendingLeftNs)} left" : "last answers";
        return $"{p50}, {lost}, {left}";
    }

    /// <summary>Rounded up to the second: 9s, 2m05s, 1h02m.</summary>
    internal static string TimeLeft(long ns)
    {
        long s = (ns + 999_999_999) / 1_000_000_000;
        return s switch
        {
            < 60 => $"{s}s",
            < 3600 => $"{s / 60}m{s % 60:00}s",
            _ => $"{s / 3600}h{s / 60 % 60:00}m",
        };
    }

    public void OnRunFinished(RunResult result)
    {
        if (EchoLostLine.For(result) is { } echoLost)
        {
            if (_events is not null)
            {
                _events.Warning("run-failed", echoLost, ("Platform", result.Platform), ("Channel", result.Channel), ("RunId", result.RunId), ("Outcome", result.Outcome.Status));
                return;
            }
            Message(echoLost); // even with --quiet: the run failed
            return;
        }
        if (_quiet)
        {
            return;
        }
        lock (_gate)
        {
            EndLine();
            string p50 = result.Stats.Rtt is { } rtt ? $", p50 {Format.Ms(rtt.P50Us)} ms" : "";
            if (_events is not null)
            {
                _events.Info("run-finished", $"{result.Platform}/{result.Channel} done: {result.Stats.Ok} ok, {result.Stats.Lost} lost, {result.Stats.Late} late{p50} ({result.Outcome.Status})",
                    ("Platform", result.Platform), ("Channel", result.Channel), ("RunId", result.RunId), ("Outcome", result.Outcome.Status),
                    ("Ok", result.Stats.Ok), ("Lost", result.Stats.Lost), ("Late", result.Stats.Late), ("P50Us", result.Stats.Rtt?.P50Us));
                return;
            }
            _err.WriteLine($"rtcbench: {result.Platform}/{result.Channel} done: {result.Stats.Ok} ok, {result.Stats.Lost} lost, {result.Stats.Late} late{p50} ({result.Outcome.Status})");
        }
    }

    public void Message(string text)
    {
        lock (_gate)
        {
            if (_events is not null)
            {
                _events.Info("message", text);
                return;
            }
            EndLine();
            _err.WriteLine($"rtcbench: {text}");
        }
    }

    private void EndLine()
    {
        if (_lineOpen)
        {
            _err.WriteLine();
            _lineOpen = false;
        }
    }
}
