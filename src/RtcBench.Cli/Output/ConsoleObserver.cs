using RtcBench.Core.Results;
using RtcBench.Runner;

namespace RtcBench.Cli.Output;

/// <summary>
/// Progress on stderr while a benchmark runs: a single updating line on a terminal, a line per 10% otherwise
/// (CI logs stay readable). Silent with --quiet.
/// </summary>
internal sealed class ConsoleObserver : IBenchmarkObserver
{
    private readonly TextWriter _err;
    private readonly bool _interactive;
    private readonly bool _quiet;
    private readonly Lock _gate = new();
    private string _current = "";
    private int _lastDecile = -1;
    private bool _lineOpen;

    public ConsoleObserver(TextWriter err, bool interactive, bool quiet)
    {
        _err = err;
        _interactive = interactive;
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
            EndLine();
            _err.WriteLine($"rtcbench: {message}");
        }
    }

    public void OnRunStarted(string platform, string channel, int totalPings)
    {
        lock (_gate)
        {
            _current = $"{platform}/{channel}";
            _lastDecile = -1;
        }
    }

    public void OnProgress(int sent, int answered, int totalPings)
    {
        if (_quiet || totalPings == 0)
        {
            return;
        }
        lock (_gate)
        {
            int percent = (int)(100L * sent / totalPings);
            if (_interactive)
            {
                int width = 30;
                int filled = width * sent / totalPings;
                _err.Write($"\r{_current,-14} [{new string('#', filled)}{new string('.', width - filled)}] {sent}/{totalPings} sent, {answered} answered ");
                _lineOpen = true;
            }
            else if (percent / 10 > _lastDecile)
            {
                _lastDecile = percent / 10;
                _err.WriteLine($"rtcbench: {_current} {percent}% ({sent}/{totalPings} sent, {answered} answered)");
            }
        }
    }

    public void OnRunFinished(RunResult result)
    {
        if (EchoLostLine.For(result) is { } echoLost)
        {
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
            _err.WriteLine($"rtcbench: {result.Platform}/{result.Channel} done: {result.Stats.Ok} ok, {result.Stats.Lost} lost, {result.Stats.Late} late ({result.Outcome.Status})");
        }
    }

    public void Message(string text)
    {
        lock (_gate)
        {
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
