using RtcBench.Core.Results;
using Spectre.Console;

namespace RtcBench.Cli.Output;

/// <summary>
/// The human summary of one or more runs: one column per run, one row per figure, latency in milliseconds.
/// Definitions are in the README ("How the numbers are defined").
/// </summary>
internal static class SummaryView
{
    public static void Write(IAnsiConsole console, IReadOnlyList<RunResult> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]RtcBench results[/] (latency in ms)");
        table.AddColumn("");
        foreach (var run in runs)
        {
            table.AddColumn(new TableColumn($"[bold]{Markup.Escape(run.Platform)}[/]\n{Markup.Escape(run.Channel)}").RightAligned());
        }
        void Row(string name, Func<RunResult, string> cell) =>
            table.AddRow([new Markup(name), .. runs.Select(r => new Markup(Markup.Escape(cell(r))))]);

        Row("outcome", r => r.Outcome.Reason is null ? r.Outcome.Status : $"{r.Outcome.Status} ({r.Outcome.Reason})");
        Row("location", Location);
        Row("agent location", r => r.AgentLocation ?? "-");
        Row("sent / ok", r => $"{r.Stats.Sent} / {r.Stats.Ok}");
        Row("lost", r => $"{r.Stats.Lost} ({Format.Percent(r.Stats.LossRate)})");
        Row("late", r => $"{r.Stats.Late} ({Format.Percent(r.Stats.LateRate)})");
        if (runs.Any(r => r.Stats.Abandoned > 0 || r.Stats.NotSent > 0))
        {
            // Not measurements: pings the echo never had the chance to answer (echo lost) or never sent.
            Row("abandoned / not sent", r => $"{r.Stats.Abandoned} / {r.Stats.NotSent}");
        }
        Row("RTT min", r => Format.Ms(r.Stats.Rtt?.MinUs));
        Row("RTT p50", r => Format.Ms(r.Stats.Rtt?.P50Us));
        Row("  p50 95% CI", r => r.Stats.RttP50Ci95 is { } ci ? $"{Format.Ms(ci.LowUs)} – {Format.Ms(ci.HighUs)}" : "-");
        Row("RTT p90", r => Format.Ms(r.Stats.Rtt?.P90Us));
        Row("RTT p95", r => Format.Ms(r.Stats.Rtt?.P95Us));
        Row("  p95 95% CI", r => r.Stats.RttP95Ci95 is { } ci ? $"{Format.Ms(ci.LowUs)} – {Format.Ms(ci.HighUs)}" : "-");
        Row("RTT p99", r => Format.Ms(r.Stats.Rtt?.P99Us));
        Row("RTT p99.9", r => Format.Ms(r.Stats.Rtt?.P999Us));
        Row("RTT max", r => Format.Ms(r.Stats.Rtt?.MaxUs));
        Row("RTT mean ± sd", r => r.Stats.Rtt is { } s ? $"{Format.Ms(s.MeanUs)} ± {Format.Ms(s.StdDevUs)}" : "-");
        Row("net RTT p50", r => Format.Ms(r.Stats.NetRtt?.P50Us));
        Row("jitter (RFC 3550)", r => Format.Ms(r.Stats.JitterRfc3550Us));
        Row("mean |ΔRTT|", r => Format.Ms(r.Stats.MeanAbsDeltaRttUs));
        Row("one-way est. fwd/back", r => r.Stats.Clock is { } c
            ? $"{Format.Ms(c.ForwardP50Us)} / {Format.Ms(c.BackwardP50Us)} ± {Format.Ms(c.ErrorBoundUs)}"
            : "-");
        Row("send delay p99", r => Format.Ms(r.Stats.SendDelay?.P99Us));
        Row("run id", r => r.RunId);
        console.Write(table);
        foreach (var run in runs)
        {
            // The evidence and time do not fit in a column; say them under the table.
            if (EchoLostLine.For(run) is { } echoLost)
            {
                console.WriteLine(echoLost);
            }
        }
    }

    /// <summary>The runner's location id (--location / $RTCBENCH_LOCATION) with its coordinates when given.</summary>
    internal static string Location(RunResult run)
    {
        string id = run.Location ?? "-";
        return run.Latitude is { } lat && run.Longitude is { } lon
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{id} ({lat:0.####}, {lon:0.####})")
            : id;
    }
}
