namespace RtcBench.Interop.Tests.Matrix;

/// <summary>Our DTLS role in a cell.</summary>
public enum CellDtls
{
    Client,
    Server,
}
