using Google.Protobuf;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Signalling;

namespace RtcBench.LiveKit.Tests.Signalling;

public sealed class SignalParsingTests
{
    [Fact]
    public void TryParse_RandomAndMutatedFrames_NeverThrows()
    {
        var random = new Random(4321);
        byte[] valid = new SignalResponse
        {
            Join = new JoinResponse
            {
                Participant = new ParticipantInfo { Identity = "runner", Sid = "PA_1" },
                ServerInfo = new ServerInfo { Region = "r", NodeId = "n" },
                PingInterval = 5,
                PingTimeout = 15,
                SubscriberPrimary = true,
            },
        }.ToByteArray();
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] frame;
            if (i % 2 == 0)
            {
                frame = new byte[random.Next(0, 80)];
                random.NextBytes(frame);
            }
            else
            {
                frame = (byte[])valid.Clone();
                for (int m = random.Next(1, 4); m > 0; m--)
                {
                    frame[random.Next(frame.Length)] = (byte)random.Next(256);
                }

                frame = frame[..random.Next(frame.Length + 1)];
            }

            if (SignalConnection.TryParse(frame, out var response))
            {
                parsed++;
                Assert.NotNull(response);
            }
        }

        Assert.InRange(parsed, 1, 19_999);
    }
}
