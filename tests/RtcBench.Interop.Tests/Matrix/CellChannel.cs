namespace RtcBench.Interop.Tests.Matrix;

/// <summary>The kind of both data channels in a cell.</summary>
public enum CellChannel
{
    /// <summary>Ordered and reliable.</summary>
    Reliable,

    /// <summary>Unordered, maxRetransmits 0 (what the runner's <c>lossy</c> channel is).</summary>
    UnorderedRexmit0,
}
