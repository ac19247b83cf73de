using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RtcBench.Cli.Tests;

/// <summary>
/// A text writer that keeps everything written (like a <see cref="StringWriter"/>) and hands each completed line to
/// a callback, so a test can act on what a command prints (e.g. a progress line) instead of sleeping.
/// </summary>
internal sealed partial class LineTapWriter(Action<string>? onLine) : TextWriter
{
    /// <summary>
    /// True for the runner's non-interactive progress line of <paramref name="run"/> (e.g. "udp/lossy") at
    /// <paramref name="percent"/>% sent or more: "rtcbench: udp/lossy 31% (627/2010 sent, 627 answered)".
    /// </summary>
    public static bool IsProgressAtLeast(string line, string run, int percent)
    {
        var match = ProgressLine().Match(line);
        return match.Success && match.Groups["run"].Value == run
            && int.Parse(match.Groups["percent"].Value, CultureInfo.InvariantCulture) >= percent;
    }

    [GeneratedRegex(@"^rtcbench: (?<run>\S+) (?<percent>\d+)%")]
    private static partial Regex ProgressLine();

    private readonly StringBuilder _all = new();
    private readonly StringBuilder _line = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        string? completed = null;
        lock (_gate)
        {
            _all.Append(value);
            if (value == '\n')
            {
                completed = _line.ToString().TrimEnd('\r');
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }
        if (completed is not null)
        {
            onLine?.Invoke(completed);
        }
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "")
        {
            Write(c);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _all.ToString();
        }
    }
}
