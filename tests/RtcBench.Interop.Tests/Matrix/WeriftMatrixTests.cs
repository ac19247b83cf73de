using RtcBench.Interop.Tests.Peers;
using Xunit.Abstractions;

namespace RtcBench.Interop.Tests.Matrix;

/// <summary>The conformance matrix against werift (pure TypeScript, modelled on Pion; as strict about use_srtp).</summary>
[Collection(NodePeersCollection.Name)]
public sealed class WeriftMatrixTests(NodePeers peers, ITestOutputHelper output)
{
    public static TheoryData<CellOfferer, CellDtls, CellIce, CellChannel> Cells => MatrixCells.All();

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Cell_OurStackAndWerift_OpenExchangeEveryKindAndCloseFromEachSide(CellOfferer offerer, CellDtls dtls, CellIce ice, CellChannel channel) =>
        await ConformanceCell.RunAsync(await peers.GetAsync("werift"), offerer, dtls, ice, channel, output);
}
