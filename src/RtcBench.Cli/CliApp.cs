using System.CommandLine;
using RtcBench.Cli.Commands;
using RtcBench.Cli.Parsing;

namespace RtcBench.Cli;

/// <summary>The <c>rtcbench</c> command line: builds the commands and runs one, returning its exit code.</summary>
public static class CliApp
{
    public static Command Build(CliContext ctx)
    {
        // A named command rather than RootCommand, so help says "rtcbench" whatever the host process is called.
        var root = new Command("rtcbench",
            "rtcbench measures the network round-trip latency that real-time (voice-AI) platforms give their users, " +
            "through each platform's real path, with statistics you can trust.\n\n" +
            "Start here:  rtcbench quickstart   (a local agent + every local platform, no accounts needed)\n\n" +
            ExitCodes.Table);
        root.Options.Add(new System.CommandLine.Help.HelpOption());
        root.Options.Add(new VersionOption());
        root.Subcommands.Add(QuickstartCommand.Create(ctx));
        root.Subcommands.Add(RunCommand.Create(ctx));
        root.Subcommands.Add(RunnerCommand.Create(ctx));
        root.Subcommands.Add(AgentCommand.Create(ctx));
        root.Subcommands.Add(ServeCommand.Create(ctx));
        root.Subcommands.Add(PushCommand.Create(ctx));
        root.Subcommands.Add(ResultsCommand.Create(ctx));
        root.Subcommands.Add(CompareCommand.Create(ctx));
        root.Subcommands.Add(DbCommand.Create(ctx));
        root.Subcommands.Add(DoctorCommand.Create(ctx));
        root.SetAction(_ =>
        {
            ctx.Error.WriteLine("rtcbench: no command given. To try it now, run:");
            ctx.Error.WriteLine();
            ctx.Error.WriteLine($"    {ctx.Command("quickstart")}");
            ctx.Error.WriteLine();
            ctx.Error.WriteLine($"Commands: quickstart, run, runner, agent, serve, push, results, compare, db, doctor. See `{ctx.Command("--help")}` or `{ctx.Command("COMMAND --help")}`.");
            return ExitCodes.Usage;
        });
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var root = Build(ctx);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per problem, each naming the option (--count) and what is valid; see Parsing/ParseErrorText.
            foreach (string line in ParseErrorText.Describe(parse, ctx.Program))
            {
                ctx.Error.WriteLine($"rtcbench: error: {line}");
            }
            return ExitCodes.Usage;
        }
        var config = new InvocationConfiguration
        {
            Output = ctx.Out,
            Error = ctx.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(config, CancellationToken.None);
        }
        catch (Exception ex)
        {
            ctx.Error.WriteLine($"rtcbench: internal error: {ex.GetType().Name}: {ex.Message} (set RTCBENCH_DEBUG=1 for details; please report it)");
            if (ctx.GetEnvironment("RTCBENCH_DEBUG") == "1")
            {
                ctx.Error.WriteLine(ex.ToString());
            }
            return ExitCodes.InternalError;
        }
    }
}
