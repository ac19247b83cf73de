namespace RtcBench.Runner;

/// <summary>The answer to one check, with what it saw in one line (e.g. "GET /health failed: Connection refused").</summary>
public sealed record EchoHostCheck(EchoHostState State, string Detail);
