namespace RtcBench.Interop.Tests.Matrix;

/// <summary>A check of a matrix cell that failed; the cell adds the step and both sides' state.</summary>
internal sealed class CellException(string message) : Exception(message);
