using System.CommandLine;

namespace RtcBench.Cli.Tests;

/// <summary>Every command of the real <c>rtcbench</c> command line, walked from its root (a new command can never be missed).</summary>
internal static class CommandTree
{
    private static readonly Interrupts NoInterrupts = new();

    public static Command Root() =>
        CliApp.Build(new CliContext { Out = TextWriter.Null, Error = TextWriter.Null, Interrupts = NoInterrupts });

    /// <summary>Each command with its path below the root: [] for the root, ["results", "list"], …, depth first in declaration order.</summary>
    public static IEnumerable<(string[] Path, Command Command)> All()
    {
        var stack = new Stack<(string[] Path, Command Command)>();
        stack.Push(([], Root()));
        while (stack.Count > 0)
        {
            var (path, command) = stack.Pop();
            yield return (path, command);
            foreach (var sub in command.Subcommands.Where(c => !c.Hidden).Reverse())
            {
                stack.Push(([.. path, sub.Name], sub));
            }
        }
    }

    /// <summary>The options of every command that take a value (not flags, not --help/--version), as (command path, option).</summary>
    public static IEnumerable<(string Command, Option Option)> ValueOptions() =>
        from c in All()
        from o in c.Command.Options
        where o.Arity.MaximumNumberOfValues > 0 && o.ValueType != typeof(bool) && !o.Name.StartsWith("--help", StringComparison.Ordinal) && o.Name != "--version"
        select (string.Join(' ', c.Path), o);
}
