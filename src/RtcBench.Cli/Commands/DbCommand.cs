using System.CommandLine;

namespace RtcBench.Cli.Commands;

/// <summary><c>rtcbench db migrate</c>: create or upgrade a store's schema (also done automatically on first use).</summary>
internal static class DbCommand
{
    public static Command Create(CliContext ctx)
    {
        var store = new Option<string?>("--store") { HelpName = "spec", Description = StoreHelp.Text };
        var migrate = new Command("migrate", "Create or upgrade the store's schema to this version's migrations, then exit.");
        migrate.Options.Add(store);
        migrate.SetAction(async (parse, _) => await ResultsCommand.WithStoreAsync(ctx, parse.GetValue(store), _ =>
        {
            ctx.Error.WriteLine("rtcbench: the store's schema is up to date");
            return Task.FromResult(ExitCodes.Ok);
        }));
        var command = new Command("db", "Manage the result store.");
        command.Subcommands.Add(migrate);
        return command;
    }
}
