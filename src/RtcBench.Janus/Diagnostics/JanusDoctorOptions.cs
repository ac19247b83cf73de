using RtcBench.Janus.Client;

namespace RtcBench.Janus.Diagnostics;

/// <summary>What <see cref="JanusDoctor"/> checks: the Janus API (<see cref="Client"/>) and the VideoRoom's admin key.</summary>
public sealed record JanusDoctorOptions
{
    public required JanusClientOptions Client { get; init; }

    /// <summary>The VideoRoom's <c>admin_key</c>, when it has one.</summary>
    public string? AdminKey { get; init; }

    /// <summary>Round trips A → Janus → B → Janus → A.</summary>
    public int PingCount { get; init; } = 20;

    /// <summary>Bounds each participant's join and each wait.</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
