using System.Runtime;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Udp;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>
/// Once the driver's thread has prepared its wait path (as <see cref="PingDriver"/> does before its first send), waiting
/// for a send compiles nothing on that thread: no first-call compilation and no on-stack recompilation of a loop can
/// fall between a wake-up and its send. Real waits, a real UDP channel and echo; nothing is timed.
/// </summary>
public sealed class HotPathTests
{
    [Fact]
    public async Task WaitForSend_AfterPreparation_CompilesNothingOnTheDriverThread()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);
        long compiled = -1;
        int waited = 0;
        var thread = new Thread(() =>
        {
            var clock = MonoTime.System;
            IWaitingReceiver? receiver = channel.BeginReceivingHere() ? channel : null; // as PingDriver.Run
            using (var waits = new SystemPacingWaits(CancellationToken.None, CancellationToken.None, receiver))
            {
                waits.PrepareThread(); // as PingDriver.Drive
                var pacer = new SendPacer(clock, waits);
                pacer.Prepare();
                long due = clock.NowNs();
                _ = JitInfo.GetCompiledMethodCount(currentThread: true); // its own first call may compile
                long before = JitInfo.GetCompiledMethodCount(currentThread: true);
                for (int i = 0; i < 5; i++)
                {
                    // 1 ms apart: a 1 ms margin (no samples yet), so each wait is a short sleep and a spin of ~1 ms
                    due += 2_000_000;
                    waited += pacer.WaitForSend(due) ? 1 : 0;
                }
                compiled = JitInfo.GetCompiledMethodCount(currentThread: true) - before;
            }
            receiver?.EndReceivingHere();
        });
        thread.Start();
        thread.Join();

        Assert.Equal(5, waited);
        Assert.Equal(0, compiled);
    }
}
