using RtcBench.Core.Results;
using RtcBench.Storage.Validation;

namespace RtcBench.Storage.Tests.Validation;

/// <summary>
/// A reflector's run (path.echo "reflector", e.g. janus --janus-path echo: Janus's EchoTest returns the ping itself)
/// has RTTs but no echo timestamps: the service takes it without net RTT and clock, and refuses one that claims them,
/// or a net RTT that goes missing on an ordinary run.
/// </summary>
public sealed class ReflectorTests
{
    private static readonly DateTimeOffset Now = RunnerDocuments.BaseTime.AddDays(1);

    /// <summary>What the runner writes for a reflector: the same pings without net RTT, no net RTT or clock figures.</summary>
    private static RunResult Reflected(RunResult run) => run with
    {
        Path = (run.Path ?? new PathInfo()) with { Echo = PathInfo.ReflectorEcho },
        Pings = run.Pings.Select(p => p with { NetRttUs = null }).ToList(),
        Stats = run.Stats with { NetRtt = null, Clock = null },
    };

    [Fact]
    public void Validate_ReflectorRunWithoutNetRttOrClock_Accepted()
    {
        var run = Reflected(RunnerDocuments.Create([10, null, 12, 13.5, 9], warmup: 2));
        Assert.Null(RunDocumentValidator.Validate(run, Now));
        Assert.Null(RunDocumentValidator.Validate(run with { Pings = [] }, Now)); // statistics alone, too
    }

    [Fact]
    public void Validate_ReflectorRunClaimingANetRtt_RefusedNamingTheField()
    {
        var original = RunnerDocuments.Create([10, 11, 12]);
        var reflected = Reflected(original);
        Assert.StartsWith("pings[0].net_rtt_us: present, but path.echo is \"reflector\"",
            RunDocumentValidator.Validate(reflected with { Pings = original.Pings }, Now), StringComparison.Ordinal);
        Assert.StartsWith("stats.net_rtt: present",
            RunDocumentValidator.Validate(reflected with { Stats = reflected.Stats with { NetRtt = original.Stats.NetRtt } }, Now), StringComparison.Ordinal);
        Assert.StartsWith("stats.clock: present",
            RunDocumentValidator.Validate(reflected with { Stats = reflected.Stats with { Clock = original.Stats.Clock } }, Now), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OrdinaryRunWithoutNetRtt_OrAnUnknownEcho_Refused()
    {
        var reflected = Reflected(RunnerDocuments.Create([10, 11, 12]));
        Assert.Contains("net_rtt", RunDocumentValidator.Validate(reflected with { Path = reflected.Path! with { Echo = null } }, Now), StringComparison.Ordinal);
        Assert.StartsWith("path.echo: 'mirror' is unknown",
            RunDocumentValidator.Validate(reflected with { Path = reflected.Path! with { Echo = "mirror" } }, Now), StringComparison.Ordinal);
    }
}
