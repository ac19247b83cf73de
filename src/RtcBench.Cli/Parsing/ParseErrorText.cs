using System.CommandLine;
using System.CommandLine.Parsing;

namespace RtcBench.Cli.Parsing;

/// <summary>
/// Words System.CommandLine's parse errors in the house style: one line each, the option named with its dashes,
/// what is valid, and where to look (<c>rtcbench run --help</c>). Errors raised by our own parsers
/// (<see cref="CliOption"/>) are already in that style and pass through unchanged; the rest (a missing value, an
/// option given twice, an unknown option or command, a missing command or argument) are recognised by the parse
/// result's structure, not by their English text.
/// </summary>
internal static class ParseErrorText
{
    public static IReadOnlyList<string> Describe(ParseResult parse, string program = InvokedAs.Default)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var lines = new List<string>();
        var unmatched = parse.UnmatchedTokens.ToList();
        var swallowed = ValuesOfUnknownOptions(parse);
        foreach (var error in parse.Errors)
        {
            if (error.SymbolResult is CommandResult or null && swallowed.Any(v => error.Message.Contains($"'{v}'", StringComparison.Ordinal)))
            {
                // "--cuont 5": one line for the unknown option; its value is not a second problem.
                swallowed.Remove(swallowed.First(v => error.Message.Contains($"'{v}'", StringComparison.Ordinal)));
                unmatched.Remove(unmatched.First(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal)));
                continue;
            }
            string line = error.SymbolResult switch
            {
                OptionResult option => DescribeOption(option, error.Message, program),
                ArgumentResult { Parent: OptionResult option } argument when argument.Tokens.Count == 0 => DescribeOption(option, error.Message, program),
                ArgumentResult argument => DescribeArgument(argument, error.Message, program),
                CommandResult command => DescribeCommand(command, error.Message, unmatched, program),
                _ => DescribeCommand(parse.CommandResult, error.Message, unmatched, program),
            };
            if (!lines.Contains(line, StringComparer.Ordinal))
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>Unmatched tokens that directly follow an unknown option and look like its value.</summary>
    private static List<string> ValuesOfUnknownOptions(ParseResult parse)
    {
        var values = new List<string>();
        var unmatched = parse.UnmatchedTokens.ToList();
        var tokens = parse.Tokens;
        for (int i = 0; i + 1 < tokens.Count; i++)
        {
            string option = tokens[i].Value, next = tokens[i + 1].Value;
            if (option.StartsWith('-') && !option.Contains('=', StringComparison.Ordinal) && !next.StartsWith('-')
                && unmatched.Remove(option) && unmatched.Remove(next))
            {
                values.Add(next);
                i++;
            }
        }
        return values;
    }

    /// <summary>"rtcbench results list" for the command a result belongs to, the root named as the user invoked it.</summary>
    public static string CommandPath(SymbolResult? result, string program = InvokedAs.Default)
    {
        var names = new List<string>();
        for (var r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Insert(0, c.Parent is null ? program : c.Command.Name);
            }
        }
        return names.Count == 0 ? program : string.Join(' ', names);
    }

    private static string Help(SymbolResult result, string program) => $"see `{CommandPath(result, program)} --help`";

    private static string DescribeOption(OptionResult result, string message, string program)
    {
        string name = result.Option.Name;
        if (message.StartsWith(name + ":", StringComparison.Ordinal))
        {
            return message; // ours
        }
        if (result.Tokens.Count == 0)
        {
            string? expected = CliOption.ExpectedValue(result.Option);
            return expected is null ? $"{name}: needs a value; {Help(result, program)}" : $"{name}: needs a value; give {expected}";
        }
        if (result.Tokens.Count > 1)
        {
            return $"{name}: given {result.Tokens.Count} times ({string.Join(", ", result.Tokens.Select(t => $"'{t.Value}'"))}); give it once";
        }
        return $"{name}: '{result.Tokens[0].Value}' is not valid; {Help(result, program)}";
    }

    private static string DescribeArgument(ArgumentResult result, string message, string program)
    {
        if (result.Tokens.Count > 0)
        {
            return message; // our parsers' wording
        }
        return MissingArgument(result.Parent as CommandResult, result.Argument, program);
    }

    private static string MissingArgument(CommandResult? command, Argument argument, string program)
    {
        string path = CommandPath(command, program);
        string name = argument.Name.ToUpperInvariant();
        return CliOption.ExpectedValue(argument) is { } expected
            ? $"`{path}` needs {name}: {expected}"
            : $"`{path}` needs its {name} argument; see `{path} --help`";
    }

    private static string DescribeCommand(CommandResult command, string message, List<string> unmatched, string program)
    {
        string path = CommandPath(command, program);
        // One error per unmatched token, in order; the token's value is the only part of the text we rely on.
        string? token = unmatched.FirstOrDefault(t => message.Contains($"'{t}'", StringComparison.Ordinal));
        if (token is not null)
        {
            unmatched.Remove(token);
            return Unmatched(command, token, path, program);
        }
        var subcommands = command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        if (subcommands.Count > 0 && !command.Children.OfType<CommandResult>().Any())
        {
            return $"`{path}` needs a command: {OneOf(subcommands)}; see `{path} --help`";
        }
        var missing = command.Command.Arguments.FirstOrDefault(a => command.GetResult(a) is not { Tokens.Count: > 0 });
        if (missing is not null)
        {
            return MissingArgument(command, missing, program);
        }
        return $"{message.TrimEnd('.')}; see `{path} --help`";
    }

    private static string Unmatched(CommandResult command, string token, string path, string program)
    {
        if (token.StartsWith('-') && token.Length > 1)
        {
            var names = AllOptions(command).SelectMany(o => o.Aliases.Append(o.Name)).Distinct().ToList();
            string? near = Nearest(token.Split('=')[0], names);
            return $"unknown option '{token}' for `{path}`; {(near is null ? Help(command, program) : $"did you mean {near}?")}";
        }
        var subcommands = command.Command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        if (subcommands.Count > 0)
        {
            string? near = Nearest(token, subcommands);
            return $"unknown command '{token}' for `{path}`{(near is null ? "" : $"; did you mean {near}?")} (commands: {string.Join(", ", subcommands)})";
        }
        return $"unexpected argument '{token}' for `{path}`; {Help(command, program)}";
    }

    private static IEnumerable<Option> AllOptions(CommandResult command)
    {
        for (SymbolResult? r = command; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                foreach (var option in c.Command.Options.Where(o => ReferenceEquals(c, command) || o.Recursive))
                {
                    yield return option;
                }
            }
        }
    }

    /// <summary>The candidate within edit distance 2 of <paramref name="word"/> (the closest), or null.</summary>
    private static string? Nearest(string word, IEnumerable<string> candidates) =>
        candidates
            .Select(c => (Candidate: c, Distance: Distance(word, c)))
            .Where(x => x.Distance <= 2 && x.Distance < x.Candidate.Length / 2 + 1)
            .OrderBy(x => x.Distance)
            .Select(x => x.Candidate)
            .FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static string OneOf(List<string> values) =>
        values.Count == 1 ? values[0] : string.Join(", ", values[..^1]) + " or " + values[^1];
}
