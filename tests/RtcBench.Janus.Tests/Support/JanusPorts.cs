namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// The ports a test Janus listens on inside its own network namespace. The namespace is new, so nothing else
/// listens there: any distinct ports are free; they are drawn at random so that two runs never reuse each other's.
/// </summary>
internal sealed record JanusPorts(int Http, int WebSocket, int Admin, int RtpMin, int RtpMax)
{
    public static JanusPorts Random()
    {
        int block = System.Random.Shared.Next(100, 300) * 100; // 10000 … 29900: three API ports inside one block
        int rtp = System.Random.Shared.Next(400, 600) * 100;   // 40000 … 59900: 100 RTP/ICE ports
        return new JanusPorts(block + 88, block + 89, block + 90, rtp, rtp + 99);
    }
}
