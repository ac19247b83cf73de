using RtcBench.Agent.Platforms.Udp;
using RtcBench.Core.Protocol;
using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Tests;

public sealed class ReplayWindowTests
{
    [Fact]
    public void TryAccept_InOrderOutOfOrderAndRepeats_ActsAsAntiReplayWindow()
    {
        var w = new ReplayWindow();
        w.Reset(RunId.New());
        Assert.True(w.TryAccept(0));
        Assert.False(w.TryAccept(0));
        Assert.True(w.TryAccept(5));
        Assert.True(w.TryAccept(3)); // late but inside the window
        Assert.False(w.TryAccept(3));
        Assert.True(w.TryAccept(4));
        Assert.True(w.TryAccept(5000));
        Assert.False(w.TryAccept(5000 - ReplayWindow.Size)); // too old
        Assert.True(w.TryAccept(5000 - ReplayWindow.Size + 1));
        Assert.False(w.TryAccept(5000 - ReplayWindow.Size + 1));
        Assert.True(w.TryAccept(100_000)); // big jump clears everything
        Assert.True(w.TryAccept(100_000 - 1));
        Assert.False(w.TryAccept(100_000 - 1));
    }

    [Fact]
    public void TryAccept_AfterWrapAround_SlotsOfSkippedSeqsAreFree()
    {
        var w = new ReplayWindow();
        w.Reset(RunId.New());
        Assert.True(w.TryAccept(10));
        Assert.True(w.TryAccept(10 + ReplayWindow.Size - 1)); // skips 11..4104; slot of 10 survives
        Assert.False(w.TryAccept(10));
        Assert.True(w.TryAccept(11 + ReplayWindow.Size)); // skips; slot of old 11 reused for this
        Assert.True(w.TryAccept(4000));
    }

    [Fact]
    public void Room_SeventeenthRun_EvictsLeastRecentlyUsed()
    {
        var room = new UdpEchoRoom(Guid.NewGuid(), UdpFrame.NewToken(), long.MaxValue);
        var runs = Enumerable.Range(0, UdpEchoRoom.MaxRuns + 1).Select(_ => RunId.New()).ToArray();
        for (int i = 0; i < UdpEchoRoom.MaxRuns; i++)
        {
            Assert.True(room.TryAcceptSeq(runs[i], 0));
        }
        Assert.False(room.TryAcceptSeq(runs[0], 0)); // touches run 0: run 1 is now least recently used
        Assert.True(room.TryAcceptSeq(runs[UdpEchoRoom.MaxRuns], 0)); // evicts run 1
        Assert.False(room.TryAcceptSeq(runs[0], 0));
        Assert.True(room.TryAcceptSeq(runs[1], 0)); // forgotten: accepted again
    }
}
