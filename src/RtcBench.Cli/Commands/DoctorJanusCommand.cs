using System.Globalization;
using RtcBench.Agent;
using RtcBench.Janus.Diagnostics;

namespace RtcBench.Cli.Commands;

/// <summary>
/// <c>rtcbench doctor janus</c>: a live check of the Janus the agent would use, with JANUS_URL (and JANUS_ADMIN_KEY,
/// JANUS_API_SECRET, JANUS_TOKEN when set) from the environment. The steps are <see cref="JanusDoctor"/>'s; one line per
/// step. A missing or unusable JANUS_URL is a usage error (exit 2); a failed step exits 6. No secret is printed.
/// </summary>
internal static class DoctorJanusCommand
{
    private const string HowToSet =
        "set JANUS_URL to Janus's API, e.g. export JANUS_URL=ws://janus.example:8188/ (WebSocket) or http://janus.example:8088/janus (REST), "
        + "plus JANUS_ADMIN_KEY when the VideoRoom has an admin_key and JANUS_API_SECRET when janus.jcfg sets api_secret, and run again";

    public static async Task<int> RunAsync(CliContext ctx)
    {
        JanusAgentOptions options;
        try
        {
            options = JanusAgentOptions.FromEnvironment(ctx.GetEnvironment);
        }
        catch (AgentConfigurationException ex)
        {
            return ctx.Fail(ExitCodes.Usage, $"{string.Join("; ", ex.Problems)}: {HowToSet}");
        }

        if (!options.Enabled)
        {
            return ctx.Fail(ExitCodes.Usage, $"JANUS_URL is missing: {HowToSet}");
        }

        ctx.Out.WriteLine($"checking {options}");
        var doctor = new JanusDoctor(new JanusDoctorOptions { Client = options.ClientOptions(), AdminKey = options.AdminKey }, new ConsoleReport(ctx.Out));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ctx.Interrupts.AbortRequested, ctx.Interrupts.StopRequested);
        cancel.CancelAfter(TimeSpan.FromMinutes(3));
        bool ok = await doctor.RunAsync(cancel.Token);
        if (ctx.Interrupts.StopRequested.IsCancellationRequested || ctx.Interrupts.AbortRequested.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }

        return ok ? ExitCodes.Ok : ExitCodes.RunFailed;
    }

    /// <summary>One line per step: <c>ok      name (12 ms): detail</c> or <c>FAILED  name (12 ms): reason</c>.</summary>
    private sealed class ConsoleReport(TextWriter output) : IJanusDoctorReport
    {
        public void Step(JanusDoctorStep step)
        {
            string detail = step.Detail.Length > 0 ? ": " + step.Detail : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(step.Ok ? "ok    " : "FAILED")}  {step.Name} ({step.ElapsedMs:0} ms){detail}"));
        }
    }
}
