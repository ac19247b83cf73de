using RtcBench.Core.Timing;

namespace RtcBench.Cli;

/// <summary>What every command gets: its output streams, interruption tokens and clock.</summary>
public sealed class CliContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required Interrupts Interrupts { get; init; }

    public MonoTime Clock { get; init; } = MonoTime.System;

    /// <summary>True when stdout is a terminal (tables may use colour); false when redirected to a file or pipe.</summary>
    public bool InteractiveOut { get; init; }

    /// <summary>A console for tables on stdout: colour only on a terminal.</summary>
    public Spectre.Console.IAnsiConsole OutConsole()
    {
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(Out),
            Ansi = InteractiveOut ? Spectre.Console.AnsiSupport.Detect : Spectre.Console.AnsiSupport.No,
            ColorSystem = InteractiveOut ? Spectre.Console.ColorSystemSupport.Detect : Spectre.Console.ColorSystemSupport.NoColors,
            Interactive = Spectre.Console.InteractionSupport.No,
        });
        if (!InteractiveOut)
        {
            // Redirected output has no terminal width; don't wrap tables at 80 columns in files and logs.
            console.Profile.Width = 160;
        }
        return console;
    }

    /// <summary>True when stderr is a terminal (progress can redraw one line).</summary>
    public bool InteractiveError { get; init; }

    /// <summary>Environment lookup (injectable for tests).</summary>
    public Func<string, string?> GetEnvironment { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// How hints name this program: <c>./rtcbench</c> when the repo launcher was started that way (it exports
    /// RTCBENCH_INVOKED_AS, see <see cref="InvokedAs"/>), otherwise <c>rtcbench</c> (the dotnet tool on PATH).
    /// Help text always says <c>rtcbench</c>, so docs/cli.md does not depend on how it was generated.
    /// </summary>
    public string Program => InvokedAs.Name(GetEnvironment(InvokedAs.Variable));

    /// <summary>A command to suggest in a hint, as the user would type it: <c>Command("results list")</c>.</summary>
    public string Command(string arguments) => $"{Program} {arguments}";

    /// <summary>
    /// The event log of a command that has one (runner, run, quickstart), once its options are checked: with
    /// <c>--log-format json</c>, <see cref="Fail"/> writes a JSON event too, so every stderr line stays JSON.
    /// </summary>
    internal Output.EventLog? Events { get; set; }

    /// <summary>Prints one clear error line (a JSON error event under --log-format json) and returns <paramref name="exitCode"/>.</summary>
    public int Fail(int exitCode, string message)
    {
        if (Events is { Json: true } events)
        {
            events.Error("error", $"error: {message}", ("ExitCode", exitCode));
            return exitCode;
        }
        Error.WriteLine($"rtcbench: error: {message}");
        return exitCode;
    }
}
