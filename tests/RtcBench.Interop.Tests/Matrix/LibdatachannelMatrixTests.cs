using RtcBench.Interop.Tests.Peers;
using Xunit.Abstractions;

namespace RtcBench.Interop.Tests.Matrix;

/// <summary>The conformance matrix against libdatachannel (node-datachannel; usrsctp, libjuice, OpenSSL).</summary>
[Collection(NodePeersCollection.Name)]
public sealed class LibdatachannelMatrixTests(NodePeers peers, ITestOutputHelper output)
{
    public static TheoryData<CellOfferer, CellDtls, CellIce, CellChannel> Cells => MatrixCells.All();

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Cell_OurStackAndLibdatachannel_OpenExchangeEveryKindAndCloseFromEachSide(CellOfferer offerer, CellDtls dtls, CellIce ice, CellChannel channel) =>
        await ConformanceCell.RunAsync(await peers.GetAsync("libdatachannel"), offerer, dtls, ice, channel, output);
}
