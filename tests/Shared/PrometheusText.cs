using System.Globalization;
using Xunit;

namespace RtcBench.Tests.Shared;

/// <summary>A Prometheus text exposition (a scrape of /metrics), read line by line.</summary>
public sealed class PrometheusText(string text)
{
    private readonly string[] _lines = text.Split('\n');

    public string Text => text;

    public bool Has(string name) =>
        _lines.Any(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal));

    /// <summary>The value of the series <paramref name="name"/> whose labels are exactly <paramref name="labels"/>.</summary>
    public double Value(string name, string labels = "")
    {
        string prefix = labels.Length == 0 ? name + " " : name + "{" + labels + "} ";
        var line = _lines.SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"no series {prefix.Trim()} in:\n{text}");
        return double.Parse(line![prefix.Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
