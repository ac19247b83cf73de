using System.Text;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins.TextRoom;

namespace RtcBench.Janus.Tests.Api;

/// <summary>Random and mutated input (seeded, printed on failure) never makes a reader throw.</summary>
public sealed class JanusReaderFuzzTests
{
    private static readonly string[] Seeds =
    [
        CapturedJanus.CreateSuccess, CapturedJanus.AttachSuccess, CapturedJanus.TextRoomOfferBatch, CapturedJanus.NoSuchPlugin,
        CapturedJanus.VideoRoomJoinedBatch, CapturedJanus.HangupDtlsAlert, CapturedJanus.SlowLink, CapturedJanus.TrickleBatch,
        CapturedJanus.ServerInfo, """{"textroom":"message","room":1,"from":"a","text":"hi","participants":[{"username":"b"}]}""",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Readers_MutatedAndRandomInput_NeverThrow(int seed)
    {
        var random = new Random(seed);
        var list = new List<JanusMessage>();
        for (int i = 0; i < 3000; i++)
        {
            byte[] input = i % 3 == 0 ? RandomBytes(random) : Mutate(random, Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]));
            try
            {
                if (JanusMessageReader.TryRead(input, out var message))
                {
                    _ = message!.ToString();
                    _ = JanusServerInfo.TryRead(message, out _);
                }

                list.Clear();
                JanusMessageReader.TryReadBatch(input, list, out _);
                TextRoomDataMessage.TryRead(input, out _);
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, case {i}: {ex.GetType().Name} {ex.Message} on {Convert.ToHexString(input)}");
            }
        }
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] bytes)
    {
        int edits = random.Next(1, 6);
        var list = bytes.ToList();
        for (int e = 0; e < edits && list.Count > 0; e++)
        {
            int at = random.Next(list.Count);
            switch (random.Next(4))
            {
                case 0:
                    list[at] = (byte)random.Next(256);
                    break;
                case 1:
                    list.RemoveAt(at);
                    break;
                case 2:
                    list.Insert(at, (byte)"{}[]\",:0-e\\"[random.Next(11)]);
                    break;
                default:
                    list.RemoveRange(at, list.Count - at); // Truncate.
                    break;
            }
        }

        return [.. list];
    }
}
