using System.Runtime.CompilerServices;

// The agent's test project drives the echo server's internal diagnostics (the receive thread's allocation sample).
[assembly: InternalsVisibleTo("RtcBench.Agent.Tests")]
