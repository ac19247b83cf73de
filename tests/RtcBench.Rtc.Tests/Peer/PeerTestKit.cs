using System.Diagnostics;
using System.Net;
using RtcBench.Rtc.Peer;

namespace RtcBench.Rtc.Tests.Peer;

internal static class PeerTestKit
{
    public static PeerConnectionOptions Options(Func<PeerConnectionOptions, PeerConnectionOptions>? tweak = null)
    {
        var options = new PeerConnectionOptions { LocalAddress = IPAddress.Loopback };
        return tweak is null ? options : tweak(options);
    }

    /// <summary>An answerer that echoes every message on the channel it came in on, with the same kind.</summary>
    public static void EchoEverything(PeerConnection answerer) =>
        answerer.DataChannelOpened += channel => channel.OnMessage = static (ch, message, isText, _) =>
        {
            if (isText)
            {
                ch.SendText(message);
            }
            else
            {
                ch.Send(message);
            }
        };

    public static async Task<T> WithTimeout<T>(Task<T> task, int ms = 60000)
    {
        var done = await Task.WhenAny(task, Task.Delay(ms));
        Assert.True(done == task, $"timed out after {ms} ms");
        return await task;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 60000)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.ElapsedMilliseconds < timeoutMs, "timed out waiting for the condition");
            await Task.Delay(5);
        }
    }
}
