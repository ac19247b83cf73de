namespace RtcBench.Cli;

/// <summary>
/// The one table of exit codes (also in the README and <c>rtcbench --help</c>). Loss and lateness are
/// measurements, not errors: a run that completed exits 0 whatever it measured. An echo that went away mid-run is
/// not loss: that run ends with outcome failed/echo-lost and exits <see cref="RunFailed"/>.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int InternalError = 1;
    public const int Usage = 2;
    public const int AgentUnreachable = 3;
    public const int AgentRejected = 4;
    public const int EchoNotReady = 5;
    public const int RunFailed = 6;
    public const int StoreFailed = 7;
    public const int NotFound = 8;
    public const int ThresholdFailed = 9;
    public const int Interrupted = 130;

    public const string Table = """
        Exit codes:
          0    success (loss and late pings are measurements, not errors)
          1    internal error (a bug: please report it)
          2    usage error (bad option or value)
          3    agent unreachable (connection refused, DNS, timeout, not an RtcBench agent)
          4    agent refused the request (API key, unknown platform, no capacity)
          5    the echo never answered the readiness probes
          6    a platform could not be joined or its run failed, e.g. the echo went away mid-run
               (outcome failed, reason echo-lost; the pings before it are kept, printed and stored)
          7    the result could not be stored (it was still printed and written to --output)
          8    not found: no such stored run, or no result store at --store (reads never create one)
          9    a --threshold failed (or matched no run); the runs completed and were printed and stored
          130  interrupted (Ctrl-C); what was measured is kept, marked partial
        """;
}
