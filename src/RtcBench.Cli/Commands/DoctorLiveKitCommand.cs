using System.Globalization;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Diagnostics;

namespace RtcBench.Cli.Commands;

/// <summary>
/// <c>rtcbench doctor livekit</c>: a live check for users with a LiveKit Cloud (or self-hosted) project, with
/// LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET from the environment. The steps are <see cref="LiveKitDoctor"/>'s;
/// this prints one line per step (ok or FAILED, its time, what it found or why it failed) and facts under it.
/// Missing or malformed variables are a usage error (exit 2) named exactly; a failed step exits 6. The secret and the
/// tokens are never printed (the API key is: it is public, in every token's iss claim).
/// </summary>
internal static class DoctorLiveKitCommand
{
    private const string HowToSet =
        "set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET to your project's URL and API key pair " +
        "(LiveKit Cloud: cloud.livekit.io → your project → Settings → API keys; self-hosted: the keys: section of livekit.yaml), " +
        "e.g. export LIVEKIT_URL=wss://<project>.livekit.cloud, and run again";

    public static async Task<int> RunAsync(CliContext ctx)
    {
        string? urlText = ctx.GetEnvironment(LiveKitDoctor.UrlVariable);
        string? key = ctx.GetEnvironment(LiveKitCredentials.ApiKeyVariable);
        string? secret = ctx.GetEnvironment(LiveKitCredentials.ApiSecretVariable);
        string[] missing = [.. new[]
            {
                (LiveKitDoctor.UrlVariable, urlText),
                (LiveKitCredentials.ApiKeyVariable, key),
                (LiveKitCredentials.ApiSecretVariable, secret),
            }.Where(v => string.IsNullOrWhiteSpace(v.Item2)).Select(v => v.Item1)];
        if (missing.Length > 0)
        {
            string names = missing.Length == 1 ? missing[0] + " is" : string.Join(", ", missing[..^1]) + " and " + missing[^1] + " are";
            return ctx.Fail(ExitCodes.Usage, $"{names} missing: {HowToSet}");
        }

        if (!LiveKitDoctor.TryParseUrl(urlText, out var url, out string urlError))
        {
            return ctx.Fail(ExitCodes.Usage, urlError);
        }

        var credentials = LiveKitCredentials.FromValues(key, secret)!;
        var report = new ConsoleReport(ctx.Out);
        report.Step(new LiveKitDoctorStep("credentials", true, 0,
            $"{LiveKitDoctor.UrlVariable} {url.AbsoluteUri}, {LiveKitCredentials.ApiKeyVariable} {credentials.ApiKey}, {LiveKitCredentials.ApiSecretVariable} set"));

        var doctor = new LiveKitDoctor(new LiveKitDoctorOptions { Url = url, Credentials = credentials, Clock = ctx.Clock }, report);
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
    private sealed class ConsoleReport(TextWriter output) : ILiveKitDoctorReport
    {
        public void Step(LiveKitDoctorStep step)
        {
            string detail = step.Detail.Length > 0 ? ": " + step.Detail : string.Empty;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(step.Ok ? "ok    " : "FAILED")}  {step.Name} ({step.ElapsedMs:0} ms){detail}"));
        }

        public void Info(string label, string value) => output.WriteLine($"          {label,-11} {value}");
    }
}
