using RtcBench.Cli.Output;
using RtcBench.Core.Measurement;

namespace RtcBench.Cli.Tests;

/// <summary>The progress line: live p50, loss so far and time left; one updating line on a terminal, few lines elsewhere.</summary>
public sealed class ConsoleObserverTests
{
    private const long Second = 1_000_000_000;

    /// <summary>A 21 s run (210 pings, 100 ms apart) seen by the runner's 200 ms progress ticks.</summary>
    private static IEnumerable<PingProgress> Ticks()
    {
        for (long t = 0; t <= 21 * Second; t += Second / 5)
        {
            int sent = (int)Math.Min(210, (t / (Second / 10)) + 1);
            int decided = Math.Max(0, sent - 10);
            yield return new PingProgress(sent, 210, sent, decided, decided / 100, decided > 0 ? 239.4 : null, t, Math.Max(0, (209 * Second / 10) - t));
        }
    }

    [Fact]
    public void NotATerminal_OneLineEveryFewSecondsAtMost_WithP50LossAndTimeLeft()
    {
        var err = new StringWriter();
        var observer = new ConsoleObserver(err, interactive: false, quiet: false);

        observer.OnRunStarted("udp", "lossy", 210);
        foreach (var tick in Ticks())
        {
            observer.OnProgress(tick);
        }

        var lines = err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList(); // after "measuring"
        Assert.InRange(lines.Count, 4, 5); // 21 s of ticks every 200 ms, one line per 5 s
        Assert.DoesNotContain("\r", err.ToString(), StringComparison.Ordinal);
        Assert.Equal("rtcbench: udp/lossy 24% (51/210 sent): p50 0.239 ms, lost 0 (0.0%), 16s left", lines[0]);
        Assert.All(lines, l => Assert.Matches(@"p50 [0-9.]+ ms, lost \d+ \([0-9.]+%\), (\d+s left|last answers)$", l));
    }

    [Fact]
    public void Terminal_OneUpdatingLine_ClosedBeforeTheNextMessage()
    {
        var err = new StringWriter();
        var observer = new ConsoleObserver(err, interactive: true, quiet: false);

        observer.OnRunStarted("direct", "reliable", 210);
        foreach (var tick in Ticks())
        {
            observer.OnProgress(tick);
        }
        observer.Message("next");

        string text = err.ToString();
        string[] lines = text.Split('\n');
        Assert.Equal(2, lines.Length - 1); // the progress line (redrawn with \r) and the message
        Assert.Contains("\rdirect/reliable  [####################] 210/210  p50 0.239 ms, lost 2 (1.0%), last answers\u001b[K", lines[0], StringComparison.Ordinal);
        Assert.Equal("rtcbench: next", lines[1]);
    }

    [Fact]
    public void Quiet_NoProgressAtAll()
    {
        var err = new StringWriter();
        var observer = new ConsoleObserver(err, interactive: false, quiet: true);

        observer.OnRunStarted("udp", "lossy", 210);
        foreach (var tick in Ticks())
        {
            observer.OnProgress(tick);
        }

        Assert.Equal("", err.ToString());
    }

    [Theory]
    [InlineData(1, "1s")]
    [InlineData(1_000_000_000, "1s")]
    [InlineData(59_000_000_001, "1m00s")]
    [InlineData(125_000_000_000, "2m05s")]
    [InlineData(3_720_000_000_000, "1h02m")]
    public void TimeLeft_RoundedUpToTheSecond(long ns, string expected)
    {
        Assert.Equal(expected, ConsoleObserver.TimeLeft(ns));
    }

    [Fact]
    public void Figures_NothingDecidedYet_SaysSoInsteadOfZero()
    {
        Assert.Equal("p50 -, lost -, 20s left", ConsoleObserver.Figures(new PingProgress(1, 210, 0, 0, 0, null, 0, 20 * Second)));
    }
}
