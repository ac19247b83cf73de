using RtcBench.Agent.Platforms;

namespace RtcBench.Agent.Tests;

public sealed class BackgroundWorkTests
{
    [Fact]
    public async Task WaitAsync_ReportsUnfinishedWork_ThenForgetsWhatFinished()
    {
        var work = new BackgroundWork();
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Track(pending.Task);
        work.Track(Task.CompletedTask);

        Assert.False(await work.WaitAsync(TimeSpan.Zero));
        Assert.Equal(1, work.Count);

        pending.SetResult();
        Assert.True(await work.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, work.Count);
    }

    [Fact]
    public async Task WaitAsync_FaultedWork_CountsAsFinishedAndDoesNotThrow()
    {
        var work = new BackgroundWork();
        work.Track(Task.FromException(new InvalidOperationException("cleanup failed")));

        Assert.True(await work.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(0, work.Count);
    }
}
