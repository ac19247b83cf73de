namespace RtcBench.Interop.Tests.Matrix;

/// <summary>
/// One cell of the conformance matrix: offer direction × our DTLS role × our ICE (where it applies) × channel kind.
/// Twelve per stack: we offer (full ICE) in both DTLS roles, they offer to our lite and our full answerer in both
/// roles, each on both channel kinds.
/// </summary>
internal static class MatrixCells
{
    public static TheoryData<CellOfferer, CellDtls, CellIce, CellChannel> All()
    {
        var data = new TheoryData<CellOfferer, CellDtls, CellIce, CellChannel>();
        foreach (var channel in new[] { CellChannel.Reliable, CellChannel.UnorderedRexmit0 })
        {
            foreach (var dtls in new[] { CellDtls.Server, CellDtls.Client })
            {
                data.Add(CellOfferer.Us, dtls, CellIce.Full, channel);
                data.Add(CellOfferer.Them, dtls, CellIce.Lite, channel);
                data.Add(CellOfferer.Them, dtls, CellIce.Full, channel);
            }
        }

        return data;
    }

    public static string Name(CellOfferer offerer) => offerer == CellOfferer.Us ? "us" : "them";

    public static string Name(CellDtls dtls) => dtls == CellDtls.Client ? "client" : "server";

    public static string Name(CellIce ice) => ice == CellIce.Full ? "full" : "lite";

    public static string Name(CellChannel channel) => channel == CellChannel.Reliable ? "reliable" : "unordered-rexmit0";
}
