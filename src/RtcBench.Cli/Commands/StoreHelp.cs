using RtcBench.Storage;

namespace RtcBench.Cli.Commands;

/// <summary>The <c>--store</c> option's text and default, shared by every command that stores or reads results.</summary>
internal static class StoreHelp
{
    public const string Text =
        "Result store: sqlite:PATH, postgres:CONNSTRING or postgres://user:pass@host:port/db " +
        "(default $RTCBENCH_STORE, else sqlite:~/.rtcbench/results.db). Prefer $RTCBENCH_STORE for specs with passwords.";

    /// <summary>For commands that produce runs: a results service is a store too.</summary>
    public const string RunText = Text +
        " Or http(s)://SERVICE: post each run to a results service (`rtcbench serve`); a run it cannot take now is " +
        "spooled to $RTCBENCH_HOME/spool (default ~/.rtcbench/spool) and re-sent on the next run or by `rtcbench push`; " +
        "the spool's size is then reported to the service for its /metrics, as runner $RTCBENCH_RUNNER_ID (default: the host name).";

    public static string Resolve(string? option, CliContext ctx)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return option;
        }
        string? fromEnv = ctx.GetEnvironment("RTCBENCH_STORE");
        return string.IsNullOrWhiteSpace(fromEnv) ? "sqlite:" + ResultStoreFactory.DefaultSqlitePath : fromEnv;
    }
}
