namespace RtcBench.Interop.Tests;

/// <summary>
/// One interop cell's result, as <see cref="InteropResults.Append"/> writes it. Values are the strings of the results
/// file: <paramref name="Offerer"/> <c>us|them</c>, <paramref name="OurDtls"/> <c>client|server</c>,
/// <paramref name="OurIce"/> <c>full|lite|n/a</c>, <paramref name="Channel"/> <c>reliable|unordered-rexmit0</c>
/// (other suites may add their own, such as a plugin name). <paramref name="Detail"/> says what passed, or the exact
/// error from both sides.
/// </summary>
internal sealed record InteropResult(
    string Suite,
    string Peer,
    string PeerVersion,
    string Offerer,
    string OurDtls,
    string OurIce,
    string Channel,
    bool Passed,
    string Detail);
