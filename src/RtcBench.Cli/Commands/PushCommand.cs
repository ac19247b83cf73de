using System.CommandLine;
using RtcBench.Storage.Delivery;

namespace RtcBench.Cli.Commands;

/// <summary><c>rtcbench push</c>: re-send the runs spooled while a results service was unreachable.</summary>
internal static class PushCommand
{
    public static Command Create(CliContext ctx)
    {
        var store = new Option<string?>("--store") { HelpName = "url", Description = "The results service, http(s)://HOST:PORT (default $RTCBENCH_STORE)." };
        var token = new Option<string?>("--store-token") { HelpName = "token", Description = $"Ingest token (prefer ${DeliveryHelp.TokenVariable})." };
        var command = new Command("push",
            "Re-send the runs spooled (in $RTCBENCH_HOME/spool, default ~/.rtcbench/spool) while the results service was " +
            "unreachable, oldest first. Each file is deleted only after the service acknowledged it; ingest is idempotent, " +
            "so nothing is lost or stored twice. A document the service refuses (invalid, or a different run under the same " +
            "id: 409) moves to spool/rejected with the reason printed and is never re-sent. Exit 0 when the spool is empty " +
            "afterwards, 7 otherwise.");
        command.Options.Add(store);
        command.Options.Add(token);
        command.SetAction(async (parse, _) =>
        {
            string? spec = parse.GetValue(store);
            if (string.IsNullOrWhiteSpace(spec))
            {
                spec = ctx.GetEnvironment("RTCBENCH_STORE");
            }
            if (!ResultServiceClient.TryParseUrl(spec, out var url))
            {
                return ctx.Fail(ExitCodes.Usage, "--store: push needs the results service's URL, http(s)://HOST:PORT");
            }
            var spool = DeliveryHelp.Spool(ctx);
            if (spool.List().Count == 0)
            {
                ctx.Error.WriteLine($"rtcbench: nothing to push: {spool.Directory} holds no spooled runs");
                return ExitCodes.Ok;
            }
            using var client = new ResultServiceClient(url!, DeliveryHelp.Token(parse.GetValue(token), ctx));
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var report = await DeliveryHelp.FlushAsync(ctx, new ResultDelivery(client, spool), url!, timeout.Token);
            string? location = ctx.GetEnvironment("RTCBENCH_LOCATION");
            await DeliveryHelp.ReportAsync(ctx, url!, DeliveryHelp.Token(parse.GetValue(token), ctx),
                string.IsNullOrWhiteSpace(location) ? null : location.Trim(), line => ctx.Error.WriteLine("rtcbench: warning: " + line), timeout.Token);
            return report.Remaining == 0 && report.Rejected == 0
                ? ExitCodes.Ok
                : ctx.Fail(ExitCodes.StoreFailed, $"{report.Rejected} run(s) refused by the service (set aside, not re-sent), {report.Remaining} still spooled");
        });
        return command;
    }
}
