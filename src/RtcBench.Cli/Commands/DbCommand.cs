using System.CommandLine;
using RtcBench.Storage;

namespace RtcBench.Cli.Commands;

/// <summary>
/// <c>rtcbench db migrate</c>: create or upgrade a store's schema (also done automatically on first use);
/// <c>rtcbench db rebuild-rollups</c>: recompute the rollups from the runs.
/// </summary>
internal static class DbCommand
{
    public static Command Create(CliContext ctx)
    {
        var store = new Option<string?>("--store") { HelpName = "spec", Description = StoreHelp.Text };
        var migrate = new Command("migrate",
            "Create the store (a new SQLite file, or the tables in an existing PostgreSQL database) or upgrade its schema " +
            "to this version's migrations, say what was done, then exit.");
        migrate.Options.Add(store);
        migrate.SetAction(async (parse, ct) => await ResultsCommand.WithStoreAsync(ctx, parse.GetValue(store), StoreAccess.CreateIfMissing, async (s, where) =>
        {
            ctx.Error.WriteLine("rtcbench: " + Describe(await s.InitializeAsync(ct), where));
            return ExitCodes.Ok;
        }));
        var rebuildStore = new Option<string?>("--store") { HelpName = "spec", Description = StoreHelp.Text };
        var rebuild = new Command("rebuild-rollups",
            "Recompute the hourly, six-hour, daily, weekly and four-week rollups (which aggregate queries read for whole hours to four weeks) " +
            "from the stored runs, in one transaction (saves wait meanwhile), say how many runs and rows, then exit.");
        rebuild.Options.Add(rebuildStore);
        rebuild.SetAction(async (parse, ct) => await ResultsCommand.WithStoreAsync(ctx, parse.GetValue(rebuildStore), StoreAccess.ReadExisting, async (s, where) =>
        {
            var report = await s.RebuildRollupsAsync(ct);
            ctx.Error.WriteLine(
                $"rtcbench: rebuilt the rollups of {where} from {report.Runs} run(s): {report.HourRows} hourly, {report.DayRows} daily and {report.WeekRows} weekly row(s) "
                + $"(and {report.SixHourRows} six-hour and {report.FourWeekRows} four-week row(s))");
            return ExitCodes.Ok;
        }));
        var command = new Command("db", "Manage the result store.");
        command.Subcommands.Add(migrate);
        command.Subcommands.Add(rebuild);
        return command;
    }

    /// <summary>One line: what initialisation found and did.</summary>
    internal static string Describe(SchemaReport report, StoreSpec where)
    {
        string applied = string.Join(", ", report.Applied);
        if (report.UpToDate)
        {
            return $"{where} is up to date (schema version {report.ToVersion}); nothing to do";
        }
        if (report.Created)
        {
            return where.Kind == StoreKind.Sqlite
                ? $"created the result store {where} with schema version {report.ToVersion} (migrations {applied})"
                : $"created the RtcBench tables in {where}: schema version {report.ToVersion} (migrations {applied})";
        }
        return $"upgraded {where} from schema version {report.FromVersion} to {report.ToVersion} (applied {applied})";
    }
}
