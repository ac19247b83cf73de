using System.Text;

namespace RtcBench.Rtc.Tests.Stun;

/// <summary>RFC 5769 test vectors (§2.1 request, §2.2 IPv4 response, §2.3 IPv6 response), typed in as hex.</summary>
internal static class StunVectors
{
    public static readonly byte[] Password = Encoding.UTF8.GetBytes("VOkJxbRl1RmTxUk/WvJxBt");

    public static readonly byte[] TransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae");

    public static readonly byte[] SampleRequest = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae" +
        "80220010" + "5354554e207465737420636c69656e74" + // SOFTWARE "STUN test client"
        "00240004" + "6e0001ff" + // PRIORITY
        "80290008" + "932ff9b151263b36" + // ICE-CONTROLLED
        "00060009" + "6576746a3a68367659202020" + // USERNAME "evtj:h6vY" + 3 spaces of padding
        "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" + // MESSAGE-INTEGRITY
        "80280004" + "e57a3bcf"); // FINGERPRINT

    public static readonly byte[] SampleIPv4Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae" +
        "8022000b" + "7465737420766563746f7220" + // SOFTWARE "test vector" + 1 space
        "00200008" + "0001a147e112a643" + // XOR-MAPPED-ADDRESS 192.0.2.1:32853
        "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7" +
        "80280004" + "c07d4c96");

    public static readonly byte[] SampleIPv6Response = Convert.FromHexString(
        "010100482112a442b7e7a701bc34d686fa87dfae" +
        "8022000b" + "7465737420766563746f7220" +
        "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9" + // [2001:db8:1234:5678:11:2233:4455:6677]:32853
        "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41" +
        "80280004" + "c8fb0b4c");
}
