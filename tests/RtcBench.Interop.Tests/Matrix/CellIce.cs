namespace RtcBench.Interop.Tests.Matrix;

/// <summary>Our ICE agent in a cell: always full when we offer; lite or full when we answer.</summary>
public enum CellIce
{
    Full,
    Lite,
}
