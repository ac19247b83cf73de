using RtcBench.Interop.Tests.Peers;
using Xunit.Abstractions;

namespace RtcBench.Interop.Tests.Matrix;

/// <summary>
/// The conformance matrix against libwebrtc: headless Chromium in its network namespace, a fresh page per cell running
/// the same driver core as the node stacks.
/// </summary>
[Collection(ChromiumNetnsCollection.Name)]
public sealed class ChromiumMatrixTests(ChromiumNetns chromium, ITestOutputHelper output)
{
    public static TheoryData<CellOfferer, CellDtls, CellIce, CellChannel> Cells => MatrixCells.All();

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Cell_OurStackAndChromium_OpenExchangeEveryKindAndCloseFromEachSide(CellOfferer offerer, CellDtls dtls, CellIce ice, CellChannel channel)
    {
        await using var page = await ChromiumPeer.OpenAsync(chromium);
        await ConformanceCell.RunAsync(page, offerer, dtls, ice, channel, output);
    }
}
