namespace RtcBench.Janus.Diagnostics;

/// <summary>One step of <see cref="JanusDoctor"/>: what it checked, whether it passed, how long it took, and what it found or why it failed.</summary>
public sealed record JanusDoctorStep(string Name, bool Ok, double ElapsedMs, string Detail);
