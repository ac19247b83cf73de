using RtcBench.Cli;

namespace RtcBench.LiveKit.Tests.Doctor;

/// <summary>Runs the real <c>rtcbench</c> command line in-process, with the given environment only, capturing its output.</summary>
internal static class DoctorCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string[] Lines => Stdout.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd().Split('\n');
    }

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var interrupts = new Interrupts();
        return await RunAsync(environment, interrupts, args);
    }

    /// <summary>Runs with <paramref name="interrupts"/>, which the test may fire (what Ctrl-C does).</summary>
    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, Interrupts interrupts, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var ctx = new CliContext
        {
            Out = TextWriter.Synchronized(stdout),
            Error = TextWriter.Synchronized(stderr),
            Interrupts = interrupts,
            GetEnvironment = name => environment.GetValueOrDefault(name),
        };
        int exit = await CliApp.RunAsync(args, ctx).WaitAsync(TimeSpan.FromMinutes(3));
        return new Result(exit, stdout.ToString(), stderr.ToString());
    }
}
