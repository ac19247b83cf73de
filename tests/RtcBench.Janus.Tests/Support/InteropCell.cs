namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// One cell of the interop matrix (issue 14) as the matrix generator reads it: who offered, our DTLS role and ICE
/// mode, the channel kind, the result and a detail line. Fields map one to one onto the JSON line.
/// </summary>
internal sealed record InteropCell(
    string Offerer,
    string OurDtls,
    string OurIce,
    string Channel,
    string Result,
    string Detail)
{
    public const string Us = "us";
    public const string Them = "them";
    public const string Reliable = "reliable";
    public const string UnorderedRexmit0 = "unordered-rexmit0";
}
