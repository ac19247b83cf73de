using System.CommandLine;
using RtcBench.Cli.Parsing;

namespace RtcBench.Cli.Thresholds;

/// <summary>The repeatable <c>--threshold</c> option of <c>run</c> and <c>quickstart</c>; one error line per bad rule.</summary>
internal static class ThresholdOption
{
    public const string Name = "--threshold";

    public static Option<string[]> Create()
    {
        var option = new Option<string[]>(Name)
        {
            Description = "A pass/fail budget, repeatable: [platform:][channel:]metric<value, e.g. 'p95<50ms', 'loss<1%', "
                + $"'direct:reliable:p99<5ms'. Metrics: {ThresholdParser.MetricList} (RTT of ok pings; loss and late are rates, "
                + "written with %); operators <, <=, >, >=. Each is judged on every run its scope matches, printed pass/fail "
                + $"and added to the JSON; one that fails (or matches no run) makes the command exit {ExitCodes.ThresholdFailed}.",
            HelpName = "rule",
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                if (!ThresholdParser.TryParse(token.Value, out _, out string error))
                {
                    result.AddError($"{Name}: {error}");
                }
            }
        });
        option.Expecting($"a rule such as 'p95<50ms' ({ThresholdParser.Example})");
        return option;
    }

    public static IReadOnlyList<Threshold> Parse(IEnumerable<string>? values)
    {
        var list = new List<Threshold>();
        foreach (string value in values ?? [])
        {
            if (ThresholdParser.TryParse(value, out var threshold, out _))
            {
                list.Add(threshold);
            }
        }
        return list;
    }
}
