using System.Reflection;
using System.Text.RegularExpressions;

namespace RtcBench.Cli.Tests;

/// <summary>
/// The exit codes are one table in three places: <see cref="ExitCodes"/> (the code), <c>rtcbench --help</c>
/// (<see cref="ExitCodes.Table"/>, hence docs/cli.md) and the README's "Exit codes" table. They must list the same
/// codes with the same meanings (the README may add markdown and a pointer after the help's wording).
/// </summary>
public sealed partial class ExitCodeDocsTests
{
    private static readonly int[] Codes = typeof(ExitCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(int))
        .Select(f => (int)f.GetRawConstantValue()!)
        .Order()
        .ToArray();

    /// <summary>code → meaning from the help table (continuation lines joined).</summary>
    private static Dictionary<int, string> HelpTable()
    {
        var rows = new Dictionary<int, string>();
        int? last = null;
        foreach (string line in ExitCodes.Table.Split('\n').Skip(1))
        {
            if (HelpRow().Match(line) is { Success: true } m)
            {
                last = int.Parse(m.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture);
                rows.Add(last.Value, m.Groups["text"].Value.Trim());
            }
            else if (last is { } code && line.Trim().Length > 0)
            {
                rows[code] += " " + line.Trim();
            }
        }
        return rows;
    }

    /// <summary>code → meaning from the README's table under "### Exit codes".</summary>
    private static Dictionary<int, string> ReadmeTable()
    {
        string readme = File.ReadAllText(Path.Combine(HelpDocsTests.FindRepoRoot(), "README.md"));
        int start = readme.IndexOf("### Exit codes", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '### Exit codes' section");
        var rows = new Dictionary<int, string>();
        foreach (string line in readme[start..].Split('\n').Skip(1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')))
        {
            if (ReadmeRow().Match(line) is { Success: true } m)
            {
                rows.Add(int.Parse(m.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["text"].Value.Replace("`", "", StringComparison.Ordinal).Trim());
            }
        }
        return rows;
    }

    [Fact]
    public void EveryExitCode_IsInTheHelpAndTheReadme_AndNothingElse()
    {
        Assert.Contains(0, Codes);
        Assert.Contains(9, Codes);
        Assert.Equal(Codes, HelpTable().Keys.Order());
        Assert.Equal(Codes, ReadmeTable().Keys.Order());
    }

    [Fact]
    public void TheReadme_SaysWhatTheHelpSays_ForEveryCode()
    {
        var help = HelpTable();
        foreach (var (code, text) in ReadmeTable())
        {
            Assert.True(text.StartsWith(help[code], StringComparison.Ordinal), $"exit code {code}:\n  help:   {help[code]}\n  README: {text}");
        }
    }

    [GeneratedRegex(@"^\s{2,}(?<code>\d+)\s+(?<text>\S.*)$")]
    private static partial Regex HelpRow();

    [GeneratedRegex(@"^\|\s*(?<code>\d+)\s*\|\s*(?<text>.*?)\s*\|\s*$")]
    private static partial Regex ReadmeRow();
}
